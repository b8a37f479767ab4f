// The popup's sensitivity slider, 0 (only the surest claims) to 100 (every
// claim): the reverse of a minimum claim score. It shows the site's own
// minimum, else the one the service applies to the site (its model's
// threshold unless settings say otherwise), else that it does not know:
// never a number made up here.

/** The slider's position for a minimum claim score. */
export function toSlider(minScore) {
  return String(Math.round((1 - minScore) * 100));
}

/** The minimum claim score a slider position stands for. */
export function fromSlider(value) {
  return Math.round(100 - Number(value)) / 100;
}

/**
 * @param {number|null} minScore  the site's own minimum claim score; null: the service's
 * @param {number|null|undefined} serviceMinScore  the service's for the site; null: it did not
 *   say (unreachable, no install token); undefined: not asked yet
 * @returns {{known: boolean, value: string, text: string}}  `value` only when `known`
 */
export function sensitivityView(minScore, serviceMinScore) {
  if (typeof minScore === 'number') {
    return { known: true, value: toSlider(minScore), text: `(claims scoring ${minScore.toFixed(2)} or more)` };
  }
  if (typeof serviceMinScore === 'number') {
    return {
      known: true,
      value: toSlider(serviceMinScore),
      text: `(the service’s default: claims scoring ${serviceMinScore.toFixed(2)} or more)`,
    };
  }
  return {
    known: false,
    value: '',
    text: serviceMinScore === undefined
      ? '(asking the service for its default…)'
      : '(the service’s default, which it did not say: is it running?)',
  };
}
