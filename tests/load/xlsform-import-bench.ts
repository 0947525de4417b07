/**
 * XLSForm import time (issue 14), in process: the master questionnaire, and a generated form at the
 * survey sheet's limit (2,000 rows: 1,900+ questions in groups and repeats, selects over a
 * 5,000-choice list, cascading filters, translations), as .xlsx and as a BIFF .xls; then the
 * engine's analysis (what the import runs before saving) and the export.
 *
 *   npm run bench:xlsform          (RUNS=5 to change)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as XLSX from '@e965/xlsx';
import { analyzeForm } from '@oslrs/core';
import { exportXlsForm, importXlsForm } from '../../apps/api/src/modules/questionnaires/xlsform.js';
import { workbook, type Row } from '../../apps/api/test/fixtures/xlsform/interop-corpus.js';

const root = join(import.meta.dirname, '../..');

const runs = Number(process.env.RUNS ?? 5);

function largest(): { survey: Row[]; choices: Row[]; settings: Row[] } {
  const survey: Row[] = [['type', 'name', 'label', 'label::Yoruba (yo)', 'relevant', 'choice_filter', 'repeat_count']];
  const choices: Row[] = [['list_name', 'name', 'label', 'label::Yoruba (yo)', 'group']];
  for (let i = 0; i < 5000; i++) choices.push(['big', `c${i}`, `Choice ${i}`, `Yàn ${i}`, `g${i % 50}`]);
  for (let i = 0; i < 50; i++) choices.push(['groups', `g${i}`, `Group ${i}`, `Ẹgbẹ́ ${i}`]);
  let n = 0;
  while (survey.length < 2000 - 6) {
    const g = survey.length;
    const repeat = g % 3 === 0;
    survey.push([
      repeat ? 'begin repeat' : 'begin group',
      `blk${g}`,
      `Block ${g}`,
      `Apá ${g}`,
      null,
      null,
      repeat ? '3' : null,
    ]);
    survey.push(['select_one groups', `grp${n}`, 'Group', 'Ẹgbẹ́']);
    survey.push(['select_one big', `pick${n}`, 'Pick', 'Yàn', null, `group=\${grp${n}}`]);
    for (let k = 0; k < 16 && survey.length < 2000 - 4; k++, n++)
      survey.push([
        k % 2 ? 'integer' : 'text',
        `q${n}`,
        `Question ${n}`,
        `Ìbéèrè ${n}`,
        k ? `\${q${n - 1}} != ''` : null,
      ]);
    survey.push([repeat ? 'end repeat' : 'end group']);
  }
  return {
    survey,
    choices,
    settings: [
      ['form_title', 'form_id', 'default_language'],
      ['Largest', 'largest', 'English'],
    ],
  };
}

async function time(label: string, work: () => Promise<unknown> | unknown) {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await work();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { label, median: samples[Math.floor(samples.length / 2)]!, max: samples[samples.length - 1]! };
}

const master = readFileSync(join(root, 'apps/api/test/fixtures/xlsform/oslsr_master_v3.xlsx'));
const book = largest();
const bigXlsx = await workbook(book);
const wb = XLSX.utils.book_new();
for (const [name, rows] of Object.entries(book)) XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), name);
const bigXls = XLSX.write(wb, { type: 'buffer', bookType: 'biff8' }) as Buffer;
const { form } = await importXlsForm(bigXlsx);
const questions = JSON.stringify(form).match(/"type":"/g)!.length;

const rows = [
  await time(`master questionnaire (.xlsx, ${(master.length / 1024).toFixed(0)} KB)`, () => importXlsForm(master)),
  await time(`largest: 2,000 rows, ${questions} elements (.xlsx, ${(bigXlsx.length / 1024).toFixed(0)} KB)`, () =>
    importXlsForm(bigXlsx),
  ),
  await time(`largest as BIFF .xls (${(bigXls.length / 1024).toFixed(0)} KB)`, () => importXlsForm(bigXls)),
  await time('largest: analyzeForm (run by the import before saving)', () => analyzeForm(form)),
  await time('largest: export to .xlsx', () => exportXlsForm(form)),
];
console.log(`\n${'import'.padEnd(72)} ${'median ms'.padStart(10)} ${'max ms'.padStart(8)}   (${runs} runs)`);
for (const r of rows)
  console.log(`${r.label.padEnd(72)} ${r.median.toFixed(0).padStart(10)} ${r.max.toFixed(0).padStart(8)}`);
