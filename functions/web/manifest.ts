/** The asset manifest functions/web/asset-build.ts writes and functions/web/assets.ts reads. */
import * as z from 'zod';

export const manifestSchema = z.object({
  /** A hash of the build's inputs: an unchanged tree is not rebuilt. */
  inputHash: z.string(),
  nhsukVersion: z.string(),
  /** Logical name (`staff.css`, `parent.js`, `images/favicon.svg`) → file under public/. */
  files: z.record(z.string(), z.string()),
  /** Files that have a `.br` and a `.gz` beside them. */
  compressed: z.array(z.string()),
});
export type AssetManifest = z.infer<typeof manifestSchema>;
