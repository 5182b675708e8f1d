// What resets when a campaign opens: the per-campaign state of every slice (the app's phase,
// credentials and campaign list, and the toasts, live as long as the page).
import { sessionSlice } from './session';
import { editSlice } from './edit';
import { toolsSlice } from './tools';
import { tableSlice } from './table';
import { travelSlice } from './travel';
import { exploreSlice } from './explore';
import { historySlice } from './history';
import { socialSlice } from './social';

export function campaignInitial() {
  return {
    ...sessionSlice.initial(),
    ...editSlice.initial(),
    ...toolsSlice.initial(),
    ...tableSlice.initial(),
    ...travelSlice.initial(),
    ...exploreSlice.initial(),
    ...historySlice.initial(),
    ...socialSlice.initial(),
  };
}
