/**
 * Writes the letter pictures the README shows, from the same sample letters the tests render:
 *   npx tsx tests/support/letter-screenshots.ts
 * → docs/screenshots/letter-booking-en.png (page 1, at another clinic than the return address), letter-booking-cy-en.png (page 1, Welsh with
 * English) and letter-reminder-en.png (page 1 of a reminder letter, as a daily batch holds it). Needs Poppler's pdftoppm (apt-get install -y poppler-utils).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { composeLetter, letterContextFrom } from '#core/letters/letter.ts';
import { renderLetterPdf } from '#services/letter-pdf.ts';
import { aLetter, lettersTrust } from './letters.ts';
import { pdfPagePng } from './poppler.ts';

const OUT = 'docs/screenshots';

/**
 * The English booking letter is for an appointment at another clinic than the trust's return address
 * (Riverside), so the picture shows the two apart: "Return address" top right, the clinic under "Where".
 */
const atOakwood = { venue: 'Oakwood Health Centre', venueAddress: '12 Oakwood Road, Ashford' };

const samples = [
  { file: 'letter-booking-en.png', bilingualWelsh: false, kind: 'booking', appointment: atOakwood },
  { file: 'letter-booking-cy-en.png', bilingualWelsh: true, kind: 'booking', appointment: {} },
  { file: 'letter-reminder-en.png', bilingualWelsh: false, kind: 'reminder', appointment: {} },
] as const;

mkdirSync(OUT, { recursive: true });
for (const sample of samples) {
  const context = letterContextFrom(lettersTrust({ bilingualWelsh: sample.bilingualWelsh }));
  const { pdf } = await renderLetterPdf(
    composeLetter(context, aLetter({ kind: sample.kind, appointment: sample.appointment })),
  );
  writeFileSync(`${OUT}/${sample.file}`, pdfPagePng(pdf, 1, 100));
  console.log(`${OUT}/${sample.file}`);
}
