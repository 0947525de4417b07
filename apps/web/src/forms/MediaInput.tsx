import { useEffect, useId, useState, type ChangeEvent } from 'react';
import { MEDIA_MAX_BYTES, type MediaType } from '@oslrs/core';
import { getMedia, keepMedia, MediaTooLarge } from '../offline/media';
import { describedIds, QuestionLabel, type QuestionFieldProps } from './fieldParts';
import { t } from '../i18n';

const ACCEPT: Record<MediaType, string | undefined> = {
  image: 'image/*',
  audio: 'audio/*',
  video: 'video/*',
  file: undefined,
};
const ACTION: Record<MediaType, string> = {
  image: 'collect.media.takePhoto',
  audio: 'collect.media.recordAudio',
  video: 'collect.media.recordVideo',
  file: 'collect.media.chooseFile',
};

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

/**
 * A photo, recording, video or file: taken with the device's camera or recorder where the browser can
 * (`capture`), or picked. Kept on the device at once (offline too, photos downscaled); the answer is
 * its file name. Shows a preview of a photo, the name and size of anything else.
 */
export function MediaInput({ question, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const mediaType = question.type as MediaType;
  const name = typeof value === 'string' && value ? value : undefined;
  const [preview, setPreview] = useState<{ name: string; url?: string; size: number } | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const pickId = useId();
  const { describedBy } = describedIds(id, question, error);

  // The kept file behind the answer (after a reload too): a preview of a photo, the size of anything.
  useEffect(() => {
    if (!name) return;
    let url: string | undefined;
    let live = true;
    void getMedia(name).then((record) => {
      if (!live) return;
      if (!record) {
        setPreview(null);
        setStatus(t('collect.media.gone'));
        return;
      }
      if (record.mediaType === 'image') url = URL.createObjectURL(record.blob);
      setPreview({ name, url, size: record.size });
    });
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [name]);

  async function onPick(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setBusy(true);
    setStatus(mediaType === 'image' ? t('collect.media.preparing') : t('collect.media.keeping'));
    try {
      const record = await keepMedia(question.name, mediaType, file, file.name);
      setStatus('');
      onValue(record.name, true);
    } catch (err) {
      setStatus(
        err instanceof MediaTooLarge
          ? err.message
          : mediaType === 'image'
            ? t('collect.media.unreadable')
            : t('collect.media.notKept'),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <QuestionLabel question={question} id={id} required={required} error={error} large={large} />
      <div className="mt-1 flex flex-wrap items-center gap-3">
        <input
          id={id}
          name={question.name}
          type="file"
          className="peer sr-only"
          accept={ACCEPT[mediaType]}
          capture={mediaType === 'file' ? undefined : 'environment'}
          disabled={busy}
          aria-required={required || undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={[describedBy, `${pickId}-status`].filter(Boolean).join(' ')}
          onChange={(e) => void onPick(e)}
        />
        <label
          htmlFor={id}
          className={`btn-secondary cursor-pointer peer-focus-visible:ring-2 peer-focus-visible:ring-green-800 ${busy ? 'opacity-60' : ''}`}
        >
          {name
            ? mediaType === 'image'
              ? t('collect.media.retake')
              : t('collect.media.replace')
            : t(ACTION[mediaType])}
        </label>
        {name && (
          <button type="button" className="link min-h-11" onClick={() => onValue(undefined, true)}>
            {t('collect.media.remove')}
          </button>
        )}
      </div>
      {preview && preview.name === name && (
        <figure className="mt-2">
          {preview.url && (
            <img
              src={preview.url}
              alt={t('collect.media.photoFor', { question: question.label ?? question.name })}
              className="max-h-48 max-w-full rounded-md border border-stone-300"
            />
          )}
          <figcaption className="hint">
            {t('collect.media.kept', { name: preview.name, size: megabytes(preview.size) })}
          </figcaption>
        </figure>
      )}
      <p id={`${pickId}-status`} role="status" className="hint">
        {status || (!name ? t('collect.media.atMost', { size: megabytes(MEDIA_MAX_BYTES[mediaType]) }) : '')}
      </p>
    </>
  );
}
