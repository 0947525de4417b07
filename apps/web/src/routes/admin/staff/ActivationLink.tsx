import { useRef, useState } from 'react';
import type { MailDelivery } from '@oslrs/core';
import { useT } from '../../../i18n';
import { MailNote } from './ImportJob';

/**
 * An activation link the super admin can copy. The invitation email may not arrive (or no mail server
 * may be set up: `mail.transport` says which), so the link is shown here to be handed over in person.
 */
export function ActivationLink({
  url,
  name,
  email,
  mail,
}: {
  url: string;
  name: string;
  email?: string;
  mail?: MailDelivery;
}) {
  const { t } = useT();
  const inputRef = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState('');

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setMessage(t('staff.admin.link.copied'));
    } catch {
      // No clipboard API (plain http on a LAN address) or permission refused: select it for Ctrl+C.
      inputRef.current?.focus();
      inputRef.current?.select();
      setMessage(t('staff.admin.link.copyFailed'));
    }
  }

  return (
    <div className="space-y-3">
      {mail && <MailNote mail={mail} email={email} />}
      <div>
        <label htmlFor="activation-link" className="label">
          {t('staff.admin.link.label')}
        </label>
        <span id="activation-link-hint" className="hint">
          {t('staff.admin.link.hint', { name })}
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
            {t('staff.admin.link.copy')}
          </button>
        </div>
        <p aria-live="polite" className="mt-1 min-h-5 text-sm text-stone-800">
          {message}
        </p>
      </div>
      <p className="text-stone-800">
        {mail?.transport === 'none'
          ? t('staff.admin.link.handOverOnly', { name })
          : t('staff.admin.link.handOver', { name })}
      </p>
    </div>
  );
}
