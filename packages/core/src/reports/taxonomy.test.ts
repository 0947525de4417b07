import { describe, expect, it } from 'vitest';
import { MASTER_FORM } from '../forms/fixtures/master.js';
import { OTHER_SECTOR, SECTORS, SKILLS, sectorName, sectorOf, skillNamed, skillOf } from './taxonomy.js';

/** The issue's sector sizes (issue 11, item 1), as written there. */
const ISSUE_COUNTS: Record<string, number> = {
  CON: 16,
  AUT: 7,
  FBP: 11,
  FAP: 15,
  DIG: 13,
  HCW: 9,
  EDU: 7,
  ART: 8,
  TRA: 7,
  SMD: 9,
  RET: 6,
  MQE: 4,
  OGE: 6,
  MFG: 5,
  HOS: 5,
  ECA: 6,
  SEC: 4,
  DOM: 4,
  WRE: 4,
  LRC: 5,
};
/** The one deviation: the issue's sizes add up to 151, the form has 150 skills; HCW holds 8. */
const DEVIATIONS: Record<string, number> = { HCW: 8 };

describe('skills taxonomy', () => {
  const formSkills = MASTER_FORM.choiceLists.skill_list!;

  it('maps exactly the master questionnaire skill_list: 150 slugs, same order, same labels', () => {
    expect(formSkills).toHaveLength(150);
    expect(SKILLS.map((s) => s.slug)).toEqual(formSkills.map((c) => c.name));
    expect(SKILLS.map((s) => s.label)).toEqual(formSkills.map((c) => c.label));
    expect(new Set(SKILLS.map((s) => s.slug)).size).toBe(150);
  });

  it('has the 20 sectors of the issue, each with its stated number of skills', () => {
    expect(SECTORS.map((s) => s.code).sort()).toEqual(Object.keys(ISSUE_COUNTS).sort());
    // The issue's own sizes are inconsistent with its 150 skills by exactly one:
    expect(Object.values(ISSUE_COUNTS).reduce((a, b) => a + b, 0)).toBe(151);
    const expected = { ...ISSUE_COUNTS, ...DEVIATIONS };
    expect(Object.values(expected).reduce((a, b) => a + b, 0)).toBe(150);
    for (const { code } of SECTORS) {
      expect(SKILLS.filter((s) => s.sector === code).length, code).toBe(expected[code]);
    }
  });

  it('gives every skill an ISCO-08 unit group (4 digits, major group 1–9)', () => {
    for (const s of SKILLS) expect(s.isco, s.slug).toMatch(/^[1-9]\d{3}$/);
  });

  it('counts unknown skills under a visible "other" sector', () => {
    expect(sectorOf('carpentry')).toBe('CON');
    expect(sectorOf('nursing')).toBe('HCW');
    expect(sectorOf('basket weaving by moonlight')).toBe(OTHER_SECTOR.code);
    expect(skillOf('nope')).toBeUndefined();
    expect(sectorName('other')).toBe(OTHER_SECTOR.name);
    expect(sectorName('DIG')).toBe('Digital, Technology & Office');
  });

  it('names the skill an occupation is: a slug or a label (as USSD stores it), any case; other text is no skill', () => {
    expect(skillNamed('tailoring')).toBe('tailoring');
    expect(skillNamed('Tailoring/Sewing')).toBe('tailoring');
    expect(skillNamed(' motorcycle taxi (okada) riding ')).toBe('okada_riding');
    expect(skillNamed('Tailor')).toBeNull();
    expect(skillNamed('')).toBeNull();
    expect(skillNamed(null)).toBeNull();
  });
});
