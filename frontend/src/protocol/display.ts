// A table screen's HTTP answers (docs/protocol.md, "Table screens"): GET /api/display and
// GET /api/display/join. Examples in testdata/protocol/display, kept true to the hub by
// TestDisplayExamples and parsed by display.test.ts.
import { z } from 'zod/mini';

export const displayMeSchema = z.object({
  id: z.string(),
  name: z.string(),
  campaignId: z.string(),
  campaignName: z.string(),
  partyId: z.nullable(z.string()),
});
export type DisplayMe = z.infer<typeof displayMeSchema>;

export const displayJoinSchema = z.object({ code: z.string(), joinUrl: z.string() });
