import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage();
p.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 400)));
p.on('pageerror', (e) => console.log('pageerror', e.message.slice(0, 400)));
await p.goto('http://127.0.0.1:8184/tap?ns=emojivoto&resource=deployments&name=web');
await p.waitForTimeout(4000);
await b.close();
