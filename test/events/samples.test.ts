import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENTS_DIR, loadEventSample } from '../../events/index.js';
import { parseTrigger } from '../../functions/app/event/parse.js';
import { classify } from '../../functions/core/classify.js';
import { EVENT_SAMPLES } from './sample-expectations.js';

const jsonFiles = readdirSync(EVENTS_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort();
const listed = EVENT_SAMPLES.map((sample) => sample.file);
const readable = EVENT_SAMPLES.filter((sample) => !sample.malformed);
const malformed = EVENT_SAMPLES.filter((sample) => sample.malformed);

describe('the sample list', () => {
  it('lists every sample file once, and only files that exist', () => {
    expect([...listed].sort()).toEqual(jsonFiles);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('gives a trigger kind exactly to the relevant samples, and attempts only to irrelevant ones', () => {
    const inconsistent = EVENT_SAMPLES.filter(
      (sample) => sample.relevant !== (sample.kind !== undefined) || (sample.attempt && sample.relevant),
    );

    expect(inconsistent).toEqual([]);
  });

  it('covers every trigger kind and both outcomes', () => {
    const kinds = new Set(EVENT_SAMPLES.map((sample) => sample.kind).filter(Boolean));

    expect(kinds).toEqual(new Set(['schedule', 'region-opt-in', 'replication-change', 'role-change']));
    expect(EVENT_SAMPLES.some((sample) => !sample.relevant && !sample.malformed)).toBe(true);
    expect(malformed.length).toBeGreaterThanOrEqual(3);
  });

  it('uses a distinct envelope id and CloudTrail eventID in every sample', () => {
    const ids = EVENT_SAMPLES.flatMap((sample) => {
      const event = loadEventSample(sample.file) as
        | { id?: string; detail?: { eventID?: string } }
        | unknown[];
      if (Array.isArray(event)) return [];
      return [event.id, event.detail?.eventID].filter((id): id is string => typeof id === 'string');
    });

    expect(ids.length).toBeGreaterThan(EVENT_SAMPLES.length);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('loadEventSample', () => {
  it('returns a fresh object on every call', () => {
    const first = loadEventSample('scheduled-event.json') as { id: string };
    first.id = 'changed';

    const second = loadEventSample('scheduled-event.json') as { id: string };

    expect(second.id).not.toBe('changed');
    expect(second).not.toBe(first);
  });

  it.each(['../package.json', 'sub/x.json', '.hidden.json', 'index.ts'])('refuses %s', (file) => {
    expect(() => loadEventSample(file)).toThrow(/not a sample file name/);
  });
});

describe.each(readable)('$file', (sample) => {
  it('parses', () => {
    const parsed = parseTrigger(loadEventSample(sample.file));

    expect(parsed).toMatchObject({ ok: true });
  });

  it(`is ${sample.relevant ? `relevant (${sample.kind})` : 'not relevant'}${sample.attempt ? ', with the attempt' : ''}`, () => {
    const parsed = parseTrigger(loadEventSample(sample.file));
    if (!parsed.ok) throw new Error(parsed.issues.join('; '));

    const classification = classify(parsed.event);

    expect(classification.relevant).toBe(sample.relevant);
    expect(classification.relevant ? classification.trigger.kind : undefined).toBe(sample.kind);
    expect(!classification.relevant && classification.attempt !== undefined).toBe(sample.attempt === true);
    expect(classification.reason).not.toBe('');
  });
});

describe.each(malformed)('$file', (sample) => {
  it('is rejected with readable issues', () => {
    const parsed = parseTrigger(loadEventSample(sample.file));

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.issues).not.toEqual([]);
  });
});
