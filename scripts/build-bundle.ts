/** `npm run build` step: writes dist/lambda/function.zip. */
import { buildBundle } from '../harness/deploy/bundle.js';

const result = await buildBundle();
console.log(`${result.zipPath}: ${result.files.join(', ')} (${(result.bytes / 1024).toFixed(0)} KiB)`);
