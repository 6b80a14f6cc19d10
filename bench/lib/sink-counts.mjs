// What the stand-in agent (sink.mjs) has received, asked over node:http (loaded on first use, so a
// bare process that never asks never pays for it). Not `fetch`: undici's WebAssembly HTTP parser is
// optimised by V8 on background threads for ~100 ms of CPU, which would land in the measured window.
export async function sinkCounts(port) {
  const http = await import('node:http')
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/_bench/counts', agent: false }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve(JSON.parse(body)))
      })
      .on('error', reject)
  })
}
