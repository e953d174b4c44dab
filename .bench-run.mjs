import { launchChromium, serveStatic, collectErrors } from '/work/wt/mnist-web/tools/browser-test/browser-test.js';
const [rule, backend, epochs, train = '2000', test = '500'] = process.argv.slice(2);
process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
const server = await serveStatic('/tmp/mw/bench/site');
const browser = await launchChromium({ webgpu: backend === 'webgpu' });
try {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  page.on('console', (m) => m.type() !== 'error' && console.error('[page]', m.text()));
  await page.goto(server.url + '/');
  await page.waitForFunction(() => globalThis.ready === true);
  const out = await page.evaluate((o) => globalThis.bench(o), { rule, backend, epochs: Number(epochs), train: Number(train), test: Number(test) });
  console.log(JSON.stringify({ rule, ...out, epochs: out.epochs.map((e) => ({ epoch: e.epoch, s: +(e.ms / 1000).toFixed(2), testAcc: e.test?.accuracy, train: Object.fromEntries(Object.entries(e.train).map(([k, v]) => [k, +v.toFixed(4)])) })) }, null, 1));
  if (errors.length) console.log('ERRORS', errors);
} finally {
  await browser.close();
  await server.close();
}
