/**
 * Where things go on a letter's page, from GOV.UK Notify's published letter specification
 * (notifications.service.gov.uk/using-notify/guidance/letter-specification), so the same page suits a
 * DL or C5 window envelope whether the trust prints it or Notify posts it:
 *
 *   - A4 portrait, 210 × 297 mm; at most 10 pages (5 sheets, printed double-sided).
 *   - Every page: margins of 15 mm left and right, 5 mm top and bottom.
 *   - Page 1: logo block 15 mm from the left, 5 mm from the top, 25 mm high; address block 24.6 mm from
 *     the left, 39.5 mm from the top, 95.4 × 26.8 mm (nothing but the address may be there); letter
 *     contact block 125 mm from the left, 30 mm from the top, 65 × 65 mm; the body below 95 mm.
 *
 * All values are millimetres from the top-left corner of the page.
 */

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export const right = (box: Box): number => box.left + box.width;
export const bottom = (box: Box): number => box.top + box.height;

/**
 * The numbers as Notify publishes them. The logo block's width is printed there as 200 mm, which cannot
 * fit between 15 mm margins; Notify's own validator (notifications-template-preview) checks 15 to 125 mm,
 * so 110 mm is used.
 */
export const NOTIFY_LETTER_SPEC = {
  page: { width: 210, height: 297 },
  maxPages: 10,
  margins: { left: 15, right: 15, top: 5, bottom: 5 },
  logoBlock: { left: 15, top: 5, width: 110, height: 25 },
  addressBlock: { left: 24.6, top: 39.5, width: 95.4, height: 26.8 },
  contactBlock: { left: 125, top: 30, width: 65, height: 65 },
  bodyTopOnFirstPage: 95,
} as const;

const spec = NOTIFY_LETTER_SPEC;

/** Our own choices, all inside the spec's areas. */
export const LETTER_LAYOUT = {
  /** The trust's name, top left (no logo image: a trust's logo files are not in config). */
  trustName: { left: spec.addressBlock.left, top: 12, width: spec.logoBlock.width - 10 },
  /** The family's address: the whole of the spec's address block. */
  address: spec.addressBlock,
  /** The trust's return address (labelled as such), phone, date and reference. */
  contact: spec.contactBlock,
  /** Body text lines up with the address; wider margins than the minimum read better. */
  body: {
    left: spec.addressBlock.left,
    right: 20,
    topOnFirstPage: spec.bodyTopOnFirstPage,
    topOnLaterPages: 20,
    bottom: 22,
  },
  /** "Page 1 of 2", centred, its baseline well inside the 5 mm bottom margin. */
  footer: { top: 283 },
  /** The QR code, with its quiet zone, beside the text that explains it. */
  qr: { size: 30 },
  /** Font sizes in points. The address shrinks (never below addressMin) rather than spill out of the window. */
  fontSize: { body: 12, heading: 16, subheading: 13, address: 11, addressMin: 8, contact: 10, small: 10 },
} as const;

/** Points per millimetre: PDF user space is 1/72 inch. */
export const PT_PER_MM = 72 / 25.4;
export const mm = (value: number): number => value * PT_PER_MM;
