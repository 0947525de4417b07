import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { describedIds, QuestionLabel, type QuestionFieldProps } from './fieldParts';
import { t } from '../i18n';

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorClass = new () => BarcodeDetectorLike;

/** The browser's BarcodeDetector, where it has one and a camera can be asked for (Chrome on Android). */
function detectorClass(): BarcodeDetectorClass | undefined {
  if (typeof window === 'undefined' || !navigator.mediaDevices?.getUserMedia) return undefined;
  return (window as unknown as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
}

/** A barcode: typed, or scanned with the camera where the browser can read barcodes. */
export function BarcodeInput({ question, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const { describedBy } = describedIds(id, question, error);
  const [scanning, setScanning] = useState(false);
  const Detector = detectorClass();
  return (
    <>
      <QuestionLabel question={question} id={id} required={required} error={error} large={large} />
      <div className="flex flex-wrap gap-2">
        <input
          id={id}
          name={question.name}
          type="text"
          autoComplete="off"
          spellCheck={false}
          className="input min-w-0 flex-1 font-mono"
          value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
          aria-required={required || undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onValue(e.target.value, false)}
        />
        {Detector && (
          <button type="button" className="btn-secondary" onClick={() => setScanning((s) => !s)}>
            {scanning ? t('collect.barcode.stop') : t('collect.barcode.scan')}
          </button>
        )}
      </div>
      {Detector && scanning && (
        <Scanner
          Detector={Detector}
          onFound={(code) => {
            setScanning(false);
            onValue(code, true);
          }}
          onFailed={() => setScanning(false)}
        />
      )}
    </>
  );
}

function Scanner({
  Detector,
  onFound,
  onFailed,
}: {
  Detector: BarcodeDetectorClass;
  onFound: (code: string) => void;
  onFailed: () => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const found = useEffectEvent((code: string) => onFound(code));
  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const detector = new Detector();
    async function look() {
      if (stopped || !video.current) return;
      try {
        const codes = video.current.readyState >= 2 ? await detector.detect(video.current) : [];
        if (!stopped && codes[0]?.rawValue) return found(codes[0].rawValue);
      } catch {
        // A frame that could not be read: try the next one.
      }
      timer = setTimeout(() => void look(), 250);
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(
      (s) => {
        stream = s;
        if (stopped || !video.current) return s.getTracks().forEach((t) => t.stop());
        video.current.srcObject = s;
        void video.current.play().catch(() => undefined);
        void look();
      },
      () => setProblem(t('collect.barcode.noCamera')),
    );
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [Detector]);
  if (problem) {
    return (
      <p role="alert" className="field-error">
        {problem}{' '}
        <button type="button" className="link" onClick={onFailed}>
          {t('collect.barcode.close')}
        </button>
      </p>
    );
  }
  return (
    <div className="mt-2">
      <video
        ref={video}
        muted
        playsInline
        className="w-full max-w-sm rounded-md bg-black"
        aria-label={t('collect.barcode.camera')}
      />
      <p className="hint">{t('collect.barcode.point')}</p>
    </div>
  );
}
