import { useRef, useState } from 'react';

/**
 * An activation link the super admin can copy. The invitation email may not arrive (or may not be
 * configured yet), so the link is shown here to be handed over in person.
 */
export function ActivationLink({ url, name, email }: { url: string; name: string; email?: string }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState('');

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setMessage('Link copied.');
    } catch {
      // No clipboard API (plain http on a LAN address) or permission refused: select it for Ctrl+C.
      inputRef.current?.focus();
      inputRef.current?.select();
      setMessage('Could not copy automatically. The link is selected: press Ctrl+C (or ⌘+C) to copy it.');
    }
  }

  return (
    <div className="space-y-3">
      <div>
        <label htmlFor="activation-link" className="label">
          Activation link
        </label>
        <span id="activation-link-hint" className="hint">
          {name} opens this link to set a password and activate the account.
        </span>
        <div className="mt-1 flex flex-col gap-2 sm:flex-row">
          <input
            ref={inputRef}
            id="activation-link"
            type="text"
            readOnly
            value={url}
            className="input mt-0 font-mono text-sm"
            aria-describedby="activation-link-hint"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" className="btn-secondary shrink-0" onClick={() => void copy()}>
            Copy link
          </button>
        </div>
        <p aria-live="polite" className="mt-1 min-h-5 text-sm text-stone-800">
          {message}
        </p>
      </div>
      <p className="text-stone-800">
        {email ? <>An invitation email with this link is sent to {email}. </> : null}
        If the email does not arrive, you can hand the link over to {name} in person. Anyone who has the link can set
        the password for this account, so give it only to {name}.
      </p>
    </div>
  );
}
