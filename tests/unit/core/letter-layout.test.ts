import { describe, expect, it } from 'vitest';
import { bottom, LETTER_LAYOUT, mm, NOTIFY_LETTER_SPEC, right } from '#core/letters/layout.ts';

describe('the letter layout follows GOV.UK Notify’s letter specification', () => {
  it('puts the address block 24.6 mm from the left and 39.5 mm from the top, 95.4 × 26.8 mm', () => {
    expect(LETTER_LAYOUT.address).toEqual({ left: 24.6, top: 39.5, width: 95.4, height: 26.8 });
    // The edges Notify's own validator checks (notifications-template-preview): 120 mm and 66.3 mm.
    expect(right(LETTER_LAYOUT.address)).toBeCloseTo(120, 6);
    expect(bottom(LETTER_LAYOUT.address)).toBeCloseTo(66.3, 6);
  });

  it('puts the contact block 125 mm from the left and 30 mm from the top, 65 × 65 mm, clear of the address', () => {
    expect(LETTER_LAYOUT.contact).toEqual({ left: 125, top: 30, width: 65, height: 65 });
    expect(LETTER_LAYOUT.contact.left).toBeGreaterThan(right(LETTER_LAYOUT.address));
  });

  it('keeps everything inside the 15 mm side and 5 mm top and bottom margins of an A4 page', () => {
    const { page, margins } = NOTIFY_LETTER_SPEC;
    expect(page).toEqual({ width: 210, height: 297 });
    expect(margins).toEqual({ left: 15, right: 15, top: 5, bottom: 5 });
    for (const box of [LETTER_LAYOUT.address, LETTER_LAYOUT.contact]) {
      expect(box.left).toBeGreaterThanOrEqual(margins.left);
      expect(right(box)).toBeLessThanOrEqual(page.width - margins.right);
      expect(box.top).toBeGreaterThanOrEqual(margins.top);
    }
    expect(LETTER_LAYOUT.body.left).toBeGreaterThanOrEqual(margins.left);
    expect(LETTER_LAYOUT.body.right).toBeGreaterThanOrEqual(margins.right);
    expect(LETTER_LAYOUT.body.bottom).toBeGreaterThanOrEqual(margins.bottom);
    // The footer's line (10pt ≈ 5 mm with its descender) ends above the bottom margin.
    expect(LETTER_LAYOUT.footer.top + 6).toBeLessThanOrEqual(page.height - margins.bottom);
  });

  it('starts the body on page 1 below the address and contact blocks, at 95 mm', () => {
    expect(LETTER_LAYOUT.body.topOnFirstPage).toBe(95);
    expect(LETTER_LAYOUT.body.topOnFirstPage).toBeGreaterThanOrEqual(bottom(LETTER_LAYOUT.contact));
  });

  it('converts millimetres to PDF points (1/72 inch)', () => {
    expect(mm(25.4)).toBeCloseTo(72, 9);
    expect(mm(210)).toBeCloseTo(595.28, 2);
  });
});
