// Preloaded (`node --import`) into a process the bench measures: as the process exits, writes its own resource
// usage (user and system CPU time of all its threads, peak resident set size) to the file
// BENCH_RESOURCE_USAGE_FILE names. Plain JavaScript, so that nothing is compiled in the process measured.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RESOURCE_USAGE_FILE;
if (file) {
  process.once('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        userMs: usage.userCPUTime / 1000,
        systemMs: usage.systemCPUTime / 1000,
        maxRssKb: usage.maxRSS,
      }),
    );
  });
}
