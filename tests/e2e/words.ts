// What a customer must never read on a screen: a raw ISO timestamp ("2026-12-07T00:43:32.353Z") or a
// plural left to the reader ("1 drive(s)"). The e2e journeys check each screen they show with it.
import { expect, type Page } from '@playwright/test';

const ISO_TIME = /\b\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?/;
const LAZY_PLURAL = /\w\(s\)/;

export async function expectCustomerWords(page: Page, where: string): Promise<void> {
  const text = await page.locator('body').innerText();
  const iso = text.match(ISO_TIME);
  expect(iso, `${where}: a raw timestamp "${iso?.[0]}" on the screen`).toBeNull();
  const lazy = text.match(LAZY_PLURAL);
  expect(lazy, `${where}: "${lazy?.[0]}" instead of a plural that agrees`).toBeNull();
}
