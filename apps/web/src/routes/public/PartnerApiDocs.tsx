import type { ReactNode } from 'react';
import { PARTNER_SCOPES } from '@oslrs/core';
import { PageHeading } from '../../components/Page';

const Code = ({ children }: { children: ReactNode }) => (
  <pre className="overflow-x-auto rounded bg-stone-100 p-3 text-sm">
    <code>{children}</code>
  </pre>
);

/** For partner agencies: how to read the registry with a key. The full reference is the OpenAPI document. */
export default function PartnerApiDocs() {
  return (
    <article className="mx-auto max-w-3xl space-y-4 px-4 py-8">
      <PageHeading>Partner API</PageHeading>
      <p>
        Agencies that work with the Oyo State Labour &amp; Skills Registry read it through the partner API with a key
        the registry issues. A key reads only what it was granted: its <strong>scopes</strong> (which resources) and its{' '}
        <strong>LGAs</strong> (which Local Government Areas). Every call is recorded in the registry’s audit log.
      </p>
      <h2 className="text-xl font-bold">Authentication</h2>
      <p>
        Send the key in the <code>Authorization</code> header, and nowhere else. A key in a URL is refused (it would end
        up in logs and browser history). Keys start with <code>oslrs_pk_</code> so a leaked one is easy to spot; tell
        the registry at once and it will revoke it.
      </p>
      <Code>{`curl -H "Authorization: Bearer oslrs_pk_…" \\
  "https://<registry>/api/v1/partner/respondents?lga=oyo_east&limit=100"`}</Code>
      <h2 className="text-xl font-bold">Endpoints</h2>
      <ul className="list-disc space-y-2 pl-6">
        <li>
          <code>GET /api/v1/partner/respondents</code> (<code>respondents:read</code>) — records in your LGAs, oldest
          change first. <code>updatedSince</code> (ISO 8601) for incremental pulls, <code>lga</code> to narrow, then{' '}
          <code>cursor</code> = the previous page’s <code>nextCursor</code> until it is <code>null</code>;{' '}
          <code>limit</code> up to 500. The NIN is included only with <code>respondents:nin</code>, the phone only with{' '}
          <code>respondents:phone</code>.
        </li>
        <li>
          <code>GET /api/v1/partner/insights</code> (<code>insights:read</code>) — aggregate figures; cells under 10 are
          suppressed.
        </li>
        <li>
          <code>GET /api/v1/partner/skills</code> (<code>skills:read</code>) — the skills taxonomy (sectors, skills,
          ISCO-08 unit groups).
        </li>
      </ul>
      <p>
        Scopes:{' '}
        {PARTNER_SCOPES.map((s, i) => (
          <span key={s}>
            {i ? ', ' : ''}
            <code>{s}</code>
          </span>
        ))}
        .
      </p>
      <h2 className="text-xl font-bold">Answers you should handle</h2>
      <ul className="list-disc space-y-1 pl-6">
        <li>
          <strong>401</strong> <code>PARTNER_KEY_INVALID</code>, <code>PARTNER_KEY_REVOKED</code>,{' '}
          <code>PARTNER_KEY_EXPIRED</code> — no valid key.
        </li>
        <li>
          <strong>403</strong> <code>PARTNER_SCOPE_MISSING</code>, <code>PARTNER_LGA_OUT_OF_SCOPE</code> — outside your
          grant.
        </li>
        <li>
          <strong>429</strong> <code>RATE_LIMITED</code> — over your key’s calls per minute; wait the{' '}
          <code>Retry-After</code> seconds.
        </li>
        <li>
          <strong>400</strong> <code>PARTNER_KEY_IN_QUERY</code> — the key was put in the URL.
        </li>
      </ul>
      <p>
        Errors always have the shape <code>{'{ "error": { "code", "message", "details?" } }'}</code>.
      </p>
      <h2 className="text-xl font-bold">Key rotation</h2>
      <p>
        When the registry rotates your key you receive a new one; the old one keeps working for 7 days. Its answers then
        carry a <code>Deprecation</code> header and a <code>Sunset</code> header with the moment it stops working —
        switch to the new key before then.
      </p>
      <p>
        The full reference (every field, every answer) is the registry’s OpenAPI document, under the tag{' '}
        <code>partner</code>:{' '}
        <a className="underline" href="/api/docs">
          /api/docs
        </a>
        .
      </p>
    </article>
  );
}
