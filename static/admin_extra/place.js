/* Place form: fill coordinates, admin1 and country from the gazetteer. */
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  const button = document.getElementById('gazetteer-lookup');
  if (!button) return;
  const url = button.parentElement.dataset.lookupUrl;
  const result = document.getElementById('gazetteer-result');
  const field = (name) => document.getElementById('id_' + name);
  button.addEventListener('click', async function () {
    const params = new URLSearchParams({name: field('name').value, country: field('country_code').value});
    result.textContent = 'Looking up…';
    const response = await fetch(url + '?' + params.toString(), {credentials: 'same-origin'});
    const data = await response.json();
    if (!data.found) { result.textContent = 'Not in the gazetteer: enter the coordinates yourself.'; return; }
    for (const name of ['kind', 'admin1', 'country', 'country_code', 'latitude', 'longitude', 'gazetteer_id']) {
      if (field(name) && data[name] !== null && data[name] !== undefined) field(name).value = data[name];
    }
    result.textContent = 'Filled from ' + data.gazetteer_id + ' (' + data.name + ', ' + data.country + ').';
  });
});
