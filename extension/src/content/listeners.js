// Everything one part of the content script attaches to the page or the
// browser (event listeners, extension API listeners, observers), kept in one
// list so that the part's destroy() takes all of it away again, as
// hypothesis/client's guest.ts does with its ListenerCollection.

export class ListenerCollection {
  constructor() {
    this.removers = [];
  }

  /** `target.addEventListener(type, listener, options)`, until removeAll(). */
  add(target, type, listener, options) {
    target.addEventListener(type, listener, options);
    this.own(() => target.removeEventListener(type, listener, options));
  }

  /** Keep `remove`, a function that undoes something the part set up, for removeAll(). */
  own(remove) {
    this.removers.push(remove);
  }

  /** Undo everything, the newest first. */
  removeAll() {
    const removers = this.removers.splice(0);
    for (let i = removers.length - 1; i >= 0; i -= 1) removers[i]();
  }
}
