// The popup's list of the page's flags, in reading order: each entry shows
// the flag's label, its priority, the sentence's opening words and its note;
// choosing one (click, Enter or Space) asks the page to scroll to it and open
// its tooltip. Arrow keys, Home and End move through the entries.

const PRIORITY_NAMES = { high: 'Check first', normal: 'Other claim' };

// Opening words of a flagged sentence: enough to find it on the page.
export const OPENING_WORDS = 10;

/** The first `n` words of `text`, with an ellipsis when there were more. */
export function openingWords(text, n = OPENING_WORDS) {
  const words = String(text ?? '').trim().split(/\s+/).filter(Boolean);
  return words.length > n ? `${words.slice(0, n).join(' ')}…` : words.join(' ');
}

/** What an entry says about its flag's priority ('Disclosure' for a disclosure). */
export function priorityName(entry) {
  return entry.kind === 'disclosure' ? 'Disclosure' : PRIORITY_NAMES[entry.priority] ?? 'Check first';
}

export class FlagList {
  /**
   * @param {HTMLOListElement} list
   * @param {(index: number) => void} onChoose
   */
  constructor(list, onChoose) {
    this.list = list;
    this.onChoose = onChoose;
    this.current = -1;
    this.key = ''; // what the list shows now, so an unchanged list is not rebuilt under the reader's focus
    list.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Show `entries` (FlagEntry[], the content script's records.entries()). */
  render(entries) {
    const key = JSON.stringify(entries);
    if (key === this.key) return;
    this.key = key;
    const doc = this.list.ownerDocument;
    const hadFocus = this.list.contains(doc.activeElement) ? [...this.buttons()].indexOf(doc.activeElement) : -1;
    this.list.replaceChildren(...entries.map((entry) => {
      const li = doc.createElement('li');
      const button = doc.createElement('button');
      button.type = 'button';
      button.dataset.index = String(entry.index);
      button.dataset.kind = entry.kind;
      button.dataset.priority = entry.priority;
      if (entry.index === this.current) button.setAttribute('aria-current', 'true');
      const top = doc.createElement('span');
      top.className = 'top';
      const label = doc.createElement('span');
      label.className = 'label';
      label.textContent = entry.label;
      const priority = doc.createElement('span');
      priority.className = 'priority';
      priority.textContent = priorityName(entry) + (entry.citesLink ? ' · cites a link' : '');
      top.append(label, priority);
      const opening = doc.createElement('span');
      opening.className = 'opening';
      opening.textContent = openingWords(entry.text);
      const note = doc.createElement('span');
      note.className = 'note';
      note.textContent = entry.note;
      button.append(top, opening, note);
      button.addEventListener('click', () => this.choose(entry.index));
      li.append(button);
      return li;
    }));
    if (hadFocus >= 0) this.buttons()[Math.min(hadFocus, entries.length - 1)]?.focus();
  }

  buttons() {
    return this.list.querySelectorAll('button');
  }

  choose(index) {
    this.current = index;
    for (const b of this.buttons()) {
      if (Number(b.dataset.index) === index) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    }
    this.onChoose(index);
  }

  onKey(e) {
    const buttons = [...this.buttons()];
    const at = buttons.indexOf(e.target);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, to))].focus();
  }
}
