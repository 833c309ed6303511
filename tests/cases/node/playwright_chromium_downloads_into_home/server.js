require('playwright-chromium');
