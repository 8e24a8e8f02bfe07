// Draws Plenary's icon (resources/icons/icon.svg, generated here) and renders it to the
// PNG sizes Linux desktops use, plus icon.ico (Windows) and icon.icns (macOS), both of
// which simply embed PNGs. Rendering uses headless Chromium through playwright-core:
//   node scripts/make-icons.mjs [--chromium /usr/bin/chromium]
// The outputs are committed; run this only when the drawing changes.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'resources', 'icons');
const chromiumPath = process.argv.includes('--chromium') ? process.argv[process.argv.indexOf('--chromium') + 1] : '/usr/bin/chromium';

/**
 * A plenary hall seen from above: three tiers of seats in a half circle facing one
 * text (the report), white on a deep UN-like blue. Seats are computed so the rows are
 * evenly spaced; the rounded square follows the platform icon grids' safe area.
 */
function iconSvg() {
  const cx = 512;
  const cy = 610;
  const rows = [
    { radius: 190, seats: 9 },
    { radius: 270, seats: 13 },
    { radius: 350, seats: 17 },
  ];
  const seats = [];
  for (const { radius, seats: count } of rows) {
    for (let i = 0; i < count; i++) {
      const angle = Math.PI - (Math.PI * i) / (count - 1);
      const x = cx + radius * Math.cos(angle);
      const y = cy - radius * Math.sin(angle);
      seats.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="27"/>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024" width="1024" height="1024">
  <defs>
    <linearGradient id="ground" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#1d5a96"/>
      <stop offset="1" stop-color="#123c66"/>
    </linearGradient>
  </defs>
  <rect x="64" y="64" width="896" height="896" rx="200" fill="url(#ground)"/>
  <g fill="#ffffff">${seats.join('')}</g>
  <g fill="#ffffff">
    <rect x="392" y="670" width="240" height="34" rx="17"/>
    <rect x="392" y="730" width="240" height="22" rx="11" opacity="0.75"/>
    <rect x="392" y="776" width="170" height="22" rx="11" opacity="0.75"/>
  </g>
</svg>
`;
}

function ico(pngs) {
  // ICONDIR + ICONDIRENTRY per image; PNG payloads are allowed since Windows Vista.
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, data }, i) => {
    const at = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, at);
    header.writeUInt8(size >= 256 ? 0 : size, at + 1);
    header.writeUInt8(0, at + 2);
    header.writeUInt8(0, at + 3);
    header.writeUInt16LE(1, at + 4);
    header.writeUInt16LE(32, at + 6);
    header.writeUInt32LE(data.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.data)]);
}

function icns(pngs) {
  // Each element: 4-byte type, 4-byte big-endian length (including the 8-byte header).
  const types = { 16: 'icp4', 32: 'icp5', 64: 'icp6', 128: 'ic07', 256: 'ic08', 512: 'ic09', 1024: 'ic10' };
  const elements = pngs.filter(({ size }) => types[size]).map(({ size, data }) => {
    const head = Buffer.alloc(8);
    head.write(types[size], 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const body = Buffer.concat(elements);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

mkdirSync(out, { recursive: true });
const svg = iconSvg();
writeFileSync(join(out, 'icon.svg'), svg);

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const sizes = [1024, 512, 256, 128, 64, 48, 32, 24, 16];
const pngs = [];
try {
  const page = await browser.newPage();
  for (const size of sizes) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('width="1024" height="1024"', `width="${size}" height="${size}"`)}</body></html>`);
    const data = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    pngs.push({ size, data });
    writeFileSync(join(out, `${size}x${size}.png`), data);
  }
} finally {
  await browser.close();
}
writeFileSync(join(out, 'icon.png'), pngs.find((p) => p.size === 1024).data);
writeFileSync(join(out, 'icon.ico'), ico(pngs.filter((p) => [16, 24, 32, 48, 64, 128, 256].includes(p.size)).sort((a, b) => a.size - b.size)));
writeFileSync(join(out, 'icon.icns'), icns(pngs.filter((p) => [16, 32, 64, 128, 256, 512, 1024].includes(p.size)).sort((a, b) => a.size - b.size)));
console.log(`Wrote ${sizes.length} PNGs, icon.ico and icon.icns to resources/icons/`);
