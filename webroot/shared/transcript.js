// @ts-check
/**
 * A chat transcript in a list element, ordered by the gateway's seq (docs/PROTOCOL.md "Chat"), used by the
 * visitor's chat in the frame and the agent console's chats. Each line is shown once; a line still waiting for its
 * seq (a pending send) stays after every stored one.
 */
export class Transcript {
  /** @param {Element} log the list the lines go in */
  constructor(log) {
    this.log = log;
    /** @type {Map<number, Element>} seq -> the line shown for it */
    this.lines = new Map();
    /** every seq up to this one is shown */
    this.lastSeq = 0;
  }

  /** @param {number} seq */
  has(seq) {
    return this.lines.has(seq);
  }

  /**
   * Shows a stored line at its seq's place; returns true when an earlier seq is missing (the caller fetches what
   * follows lastSeq once things settle).
   * @param {number} seq
   * @param {Element} li
   */
  add(seq, li) {
    li.setAttribute('data-seq', String(seq));
    let next = null;
    for (let x = this.log.firstElementChild; x; x = x.nextElementSibling) {
      const s = x.getAttribute('data-seq');
      if (x !== li && (s == null || Number(s) > seq)) { next = x; break; }
    }
    this.log.insertBefore(li, next);
    this.lines.set(seq, li);
    while (this.lines.has(this.lastSeq + 1)) this.lastSeq++;
    return seq > this.lastSeq;
  }

  /** Whether a line after a missing seq is shown. */
  hasGap() {
    let max = 0;
    this.lines.forEach((li, s) => { if (s > max) max = s; });
    return max > this.lastSeq;
  }

  /** Forgets every line and empties the list. */
  clear() {
    this.lines.clear();
    this.lastSeq = 0;
    this.log.textContent = '';
  }
}
