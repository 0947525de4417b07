/**
 * A page served prerendered (#root[data-prerendered]: /register, apps/web/src/site/prerenderRegister.tsx)
 * is on screen, and usable, before the app's JavaScript has run; React's first commit then replaces
 * that static copy with the same screen (main.tsx). What the person did on the static copy carries
 * over, so the takeover changes nothing for them:
 * - what they typed, and where the cursor was: read while the app renders (which may take several
 *   slices of time, src/main.tsx renders in a transition, and may restart), and read again from the
 *   removed copy in the commit, so a key pressed between the two is not lost;
 * - a language picked in the switch;
 * - a press of the form's button, or Enter in a field. The static button is type="button" and its
 *   inputs have no name, so before any script a press does nothing (it cannot send the form, nor put
 *   what was typed into the address); once the app is there, the form is sent as if pressed then. A
 *   press the takeover comes in the middle of (down on the copy, up on the app) is a press too.
 */
let copy: Element | null = null;
let read = false;
/** The copy's input that had the cursor when the app last rendered, by its autocomplete token. */
let focus: { token: string; input: HTMLInputElement } | undefined;
let submitAsked = false;
let localeAsked: string | undefined;

const inCopy = (target: EventTarget | null): target is Element =>
  !!copy && target instanceof Element && copy.contains(target);

/**
 * At start (src/boot.ts, then main.tsx; the second call changes nothing): notes what is done on the
 * static copy, if this page has one. True when it has.
 */
export function watchPrerendered(root: HTMLElement): boolean {
  if (copy) return true;
  if (read || root.dataset.prerendered === undefined || !root.firstElementChild) return false;
  copy = root.firstElementChild;
  root.addEventListener(
    'click',
    (event) => {
      if (inCopy(event.target) && event.target.closest('form button')) submitAsked = true;
    },
    true,
  );
  // A press that the takeover splits: the button went down on the static copy, and the app replaced
  // the copy before it came up. The browser sends no click then (the element pressed is gone), and
  // the takeover has already looked for one (takeSubmit). Released over the app's own button (in the
  // same place), it is that button's click.
  root.addEventListener(
    'pointerdown',
    (event) => {
      if (!inCopy(event.target)) return;
      const pressed = event.target.closest('form button');
      if (!pressed) return;
      const released = (up: PointerEvent) => {
        window.removeEventListener('pointerup', released, true);
        window.removeEventListener('pointercancel', released, true);
        if (up.type !== 'pointerup' || pressed.isConnected) return;
        const under = document.elementFromPoint(up.clientX, up.clientY)?.closest('form button');
        if (under instanceof HTMLButtonElement && root.contains(under)) under.click();
      };
      window.addEventListener('pointerup', released, true);
      window.addEventListener('pointercancel', released, true);
    },
    true,
  );
  // Which input has the cursor, as it moves. Noted only while the app renders (takeTyped), it could be
  // one left since: a field entered between that render and the commit (the copy, and with it
  // document.activeElement, is gone by then) had the cursor put back in the field before it, and the
  // next keys went there.
  root.addEventListener(
    'focusin',
    (event) => {
      if (!inCopy(event.target)) return;
      const input = event.target instanceof HTMLInputElement ? event.target : null;
      const token = input?.getAttribute('autocomplete');
      focus = input && token ? { token, input } : undefined;
    },
    true,
  );
  root.addEventListener(
    'keydown',
    (event) => {
      if (inCopy(event.target) && event.key === 'Enter' && event.target instanceof HTMLInputElement) {
        submitAsked = true;
      }
    },
    true,
  );
  root.addEventListener(
    'change',
    (event) => {
      if (inCopy(event.target) && event.target instanceof HTMLSelectElement && !event.target.form) {
        localeAsked = event.target.value;
      }
    },
    true,
  );
  // The static button is disabled until now (site/prerenderRegister.tsx): a press is heard from here on.
  for (const button of copy.querySelectorAll('button[data-until-boot]')) {
    button.removeAttribute('disabled');
    button.removeAttribute('data-until-boot');
  }
  return true;
}

/**
 * What was typed into the static copy's inputs, by their autocomplete token. Read as often as asked
 * until the app's first commit has run its effects (endPrerendered): while the app renders, the copy
 * is on screen; in the commit's layout effects it has just been removed and still holds the last
 * key pressed. Notes which input had the cursor while it was on screen, for restoreFocus.
 */
export function takeTyped(tokens: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  if (!copy || read) return values;
  for (const token of tokens) {
    const input = copy.querySelector<HTMLInputElement>(`input[autocomplete="${token}"]`);
    if (!input) continue;
    if (input.value) values[token] = input.value;
    if (input.isConnected && document.activeElement === input) focus = { token, input };
  }
  return values;
}

/** After the first commit: the cursor back in the field, and at the place, it was in the static copy. */
export function restoreFocus(inputs: Record<string, HTMLInputElement | null>): void {
  const was = focus;
  focus = undefined;
  const input = was && inputs[was.token];
  if (!was || !input || document.activeElement === input) return;
  // The removed input still has its selection: where the cursor was after the last key pressed.
  const start = was.input.selectionStart;
  const end = was.input.selectionEnd;
  input.focus();
  if (start !== null && end !== null) {
    try {
      input.setSelectionRange(start, end);
    } catch {
      // No selection on this type of input: the cursor goes where the browser puts it.
    }
  }
}

/** The static form's button was pressed (or Enter typed) before the app took over; once. */
export function takeSubmit(): boolean {
  const asked = submitAsked;
  submitAsked = false;
  return asked;
}

/** The language picked in the static copy's switch before the app took over, if any; once. */
export function takeLocale(): string | undefined {
  const asked = localeAsked;
  localeAsked = undefined;
  return asked;
}

/** After the app's first commit has run its effects: nothing of the static copy is carried any more. */
export function endPrerendered(): void {
  copy = null;
  read = true;
  focus = undefined;
  submitAsked = false;
  localeAsked = undefined;
}
