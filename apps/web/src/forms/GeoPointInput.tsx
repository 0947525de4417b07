import { useState } from 'react';
import { asGeoPoint } from './answers';
import type { GeoPoint } from './engine';
import { DECIMAL, describedIds, GroupLegend, Messages, type QuestionFieldProps } from './fieldParts';
import { t } from '../i18n';

function coordinate(text: string, limit: number): number | undefined {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Math.abs(n) <= limit ? n : undefined;
}

/** A location: from the device's GPS, or typed as latitude and longitude. */
export function GeoPointInput({ question, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const point = asGeoPoint(value);
  const [lat, setLat] = useState(point ? String(point.lat) : '');
  const [lng, setLng] = useState(point ? String(point.lng) : '');
  const [synced, setSynced] = useState(point);
  const [status, setStatus] = useState('');
  const [locating, setLocating] = useState(false);
  if (point !== synced) {
    setSynced(point);
    setLat(point ? String(point.lat) : '');
    setLng(point ? String(point.lng) : '');
  }
  const { describedBy } = describedIds(id, question, error);

  function commit(nextLat: string, nextLng: string) {
    const la = coordinate(nextLat, 90);
    const ln = coordinate(nextLng, 180);
    const next: GeoPoint | undefined = la !== undefined && ln !== undefined ? { lat: la, lng: ln } : undefined;
    setSynced(next);
    onValue(next, false);
  }

  function locate() {
    if (!('geolocation' in navigator)) {
      setStatus(t('collect.geo.unsupported'));
      return;
    }
    setLocating(true);
    setStatus(t('collect.geo.finding'));
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        const found: GeoPoint = {
          lat: position.coords.latitude,
          lng: position.coords.longitude,
          accuracy: Math.round(position.coords.accuracy),
        };
        setStatus(t('collect.geo.found', { metres: found.accuracy }));
        onValue(found, true);
      },
      (failure) => {
        setLocating(false);
        setStatus(failure.code === failure.PERMISSION_DENIED ? t('collect.geo.denied') : t('collect.geo.failed'));
      },
      { enableHighAccuracy: true, timeout: 30_000, maximumAge: 60_000 },
    );
  }

  return (
    <fieldset id={id} aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
      <GroupLegend question={question} required={required} large={large} />
      <Messages question={question} id={id} error={error} />
      <button
        type="button"
        id={`${id}-first`}
        className="btn-secondary mt-2"
        aria-busy={locating || undefined}
        onClick={locate}
      >
        {t('collect.geo.useLocation')}
      </button>
      <p aria-live="polite" className="mt-1 min-h-5 text-sm text-stone-800">
        {status}
      </p>
      <div className="mt-2 grid gap-3 sm:max-w-md sm:grid-cols-2">
        <CoordinateField
          id={`${id}-lat`}
          label={t('collect.geo.latitude')}
          value={lat}
          invalid={!!error}
          onChange={(text) => {
            setLat(text);
            commit(text, lng);
          }}
        />
        <CoordinateField
          id={`${id}-lng`}
          label={t('collect.geo.longitude')}
          value={lng}
          invalid={!!error}
          onChange={(text) => {
            setLng(text);
            commit(lat, text);
          }}
        />
      </div>
      {point?.accuracy !== undefined && <p className="hint">{t('collect.geo.accuracy', { metres: point.accuracy })}</p>}
    </fieldset>
  );
}

function CoordinateField({
  id,
  label,
  value,
  invalid,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  invalid: boolean;
  onChange: (text: string) => void;
}) {
  return (
    <div>
      <label htmlFor={id} className="label">
        {label}
      </label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        className="input font-mono"
        value={value}
        aria-invalid={invalid || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
