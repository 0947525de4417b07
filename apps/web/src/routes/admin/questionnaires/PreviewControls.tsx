import type { RendererMode } from '../../../forms/FormRenderer';
import { useT } from '../../../i18n';

const MODES: readonly RendererMode[] = ['auto', 'full', 'paged'];

/** How a preview is shown (as on this screen, whole form, phone) and a reset: shared by the builder and the version preview. */
export function PreviewControls({
  mode,
  onModeChange,
  resetLabel,
  onReset,
}: {
  mode: RendererMode;
  onModeChange: (mode: RendererMode) => void;
  resetLabel: string;
  onReset: () => void;
}) {
  const { t } = useT();
  const modeLabel = (value: RendererMode) =>
    value === 'full'
      ? t('staff.admin.preview.modeFull')
      : value === 'paged'
        ? t('staff.admin.preview.modePaged')
        : t('staff.admin.preview.modeAuto');
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div>
        <label htmlFor="preview-mode" className="label">
          {t('staff.admin.preview.show')}
        </label>
        <select
          id="preview-mode"
          className="input"
          value={mode}
          onChange={(e) => onModeChange(e.target.value as RendererMode)}
        >
          {MODES.map((m) => (
            <option key={m} value={m}>
              {modeLabel(m)}
            </option>
          ))}
        </select>
      </div>
      <button type="button" className="btn-secondary" onClick={onReset}>
        {resetLabel}
      </button>
    </div>
  );
}
