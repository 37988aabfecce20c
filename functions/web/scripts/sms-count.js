// A live length and cost under a reply box: a textarea with data-sms-count="<id of the output>" (and
// data-sms-language, data-sms-price) shows, as staff type, what the server's "Check length and cost"
// answers on submit: the text sanitised as it would be sent, its characters, segments and cost. The
// counting is the server's own code (core/sms-segments.ts, core/sms-sanitise.ts), bundled here.
import { sanitiseSmsValue } from '../../core/sms-sanitise.ts';
import { analyseSms } from '../../core/sms-segments.ts';

export function smsCounts(root) {
  for (const box of root.querySelectorAll('textarea[data-sms-count]')) {
    const output = root.getElementById(box.dataset.smsCount);
    if (!output) continue;
    const language = box.dataset.smsLanguage || 'en';
    const price = Number(box.dataset.smsPrice || '0');
    const update = () => {
      const text = sanitiseSmsValue(box.value.replace(/\r\n?/g, '\n'), language).trim();
      if (text === '') return;
      const { characters, segments, encoding } = analyseSms(text);
      const cost = (Math.round(segments * price * 10_000) / 10_000).toFixed(4);
      output.textContent = `${characters} characters, ${segments} segment${segments === 1 ? '' : 's'} (${encoding}), costs £${cost}.${
        segments > 6 ? ' Too long: Attend sends at most 6 segments.' : ''
      }`;
    };
    box.addEventListener('input', update);
  }
}
