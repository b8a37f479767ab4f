// The popup's slider shows the site's own minimum claim score, else the
// service's, else that it does not know: never a number of its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromSlider, sensitivityView, toSlider } from '../src/popup/sensitivity.js';

test('the slider stands for the reverse of a minimum claim score', () => {
  assert.equal(toSlider(0), '100');
  assert.equal(toSlider(1), '0');
  assert.equal(toSlider(0.1998), '80');
  assert.equal(fromSlider('80'), 0.2);
  assert.equal(fromSlider(toSlider(0.35)), 0.35);
});

test('a site with a minimum of its own shows it, whatever the service says', () => {
  for (const service of [0.1998, null, undefined]) {
    assert.deepEqual(sensitivityView(0.6, service), { known: true, value: '40', text: '(claims scoring 0.60 or more)' });
  }
  assert.equal(sensitivityView(0, null).value, '100'); // 0 is a minimum too, not "unset"
});

test('the service\'s default is shown as the service gave it', () => {
  const view = sensitivityView(null, 0.1998);
  assert.equal(view.known, true);
  assert.equal(view.value, '80');
  assert.match(view.text, /service’s default: claims scoring 0\.20 or more/);
});

test('when the service has not said (yet), the slider has no value', () => {
  for (const service of [null, undefined]) {
    const view = sensitivityView(null, service);
    assert.equal(view.known, false);
    assert.equal(view.value, '');
    assert.doesNotMatch(view.text, /\d/);
  }
  assert.match(sensitivityView(null, null).text, /did not say/);
  assert.match(sensitivityView(null, undefined).text, /asking/);
});
