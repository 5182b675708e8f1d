// The player's clock: their party's day, watch and time, and the weather while the DM shares
// it (docs/travel.md). Nothing else of travel ever reaches a player.
import type { PlayerTravel } from '../protocol/travel';
import './travel.css';

export function TravelClock({ travel }: { travel: PlayerTravel }) {
  const c = travel.clock;
  return (
    <div className="travel-clock" data-testid="travel-clock" aria-label={`Day ${c.day}, ${c.watchName}${travel.weather ? `, ${travel.weather.name}` : ''}`}>
      <span className="travel-day">Day {c.day}</span>
      <span className="travel-sep" aria-hidden="true">·</span>
      <span className="travel-watch" data-testid="travel-watch">
        {c.watchName}
      </span>
      {travel.weather && (
        <>
          <span className="travel-sep" aria-hidden="true">·</span>
          <span className="travel-weather" data-testid="travel-weather">
            {travel.weather.name}
          </span>
        </>
      )}
    </div>
  );
}
