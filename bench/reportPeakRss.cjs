// Preloaded into the process being measured: on exit, writes its peak resident
// set size (kilobytes) to the file named by WSD_BENCH_RSS_FILE.
const fs = require("node:fs")
process.on("exit", () => {
  const file = process.env.WSD_BENCH_RSS_FILE
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS))
})
