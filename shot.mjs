import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
await p.goto(process.argv[2]);
await p.waitForTimeout(Number(process.argv[4] ?? 5000));
await p.screenshot({ path: process.argv[3], fullPage: true });
await b.close();
