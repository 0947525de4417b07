import { PageHeading } from '../components/Page';

/**
 * PLACEHOLDERS, to be replaced by the pages built beside this branch (issue 10: the verification
 * queue and the registry browse). They exist so that every role already lands on its own route.
 */
export function VerificationPlaceholder() {
  return (
    <>
      <PageHeading title="Verification queue">Verification queue</PageHeading>
      <p className="mt-4 text-stone-800">The audit queue of flagged and sampled records will appear here.</p>
    </>
  );
}

export function RegistryPlaceholder() {
  return (
    <>
      <PageHeading title="Registry">Registry</PageHeading>
      <p className="mt-4 text-stone-800">Registry browsing and reports will appear here.</p>
    </>
  );
}
