/* Curator's event page and queue: place fill, "use proposed", evidence focus, keyboard, actor filter. */
'use strict';
(function () {
  const $ = window.django && window.django.jQuery;

  function fieldInput(name) { return document.getElementById('id_' + name); }

  function setValue(name, value) {
    const input = fieldInput(name);
    if (!input) return;
    if (input.type === 'checkbox') { input.checked = value === true || value === 'True' || value === 'true'; }
    else { input.value = value === null || value === undefined ? '' : value; }
    input.dispatchEvent(new Event('change', {bubbles: true}));
    input.classList.add('just-filled');
    setTimeout(() => input.classList.remove('just-filled'), 1500);
  }

  // Choosing a place fills location, admin1, country and coordinates.
  function watchPlace(layout) {
    const base = layout.dataset.placeInfoUrl;
    const place = fieldInput('place');
    if (!base || !place || !$) return;
    $(place).on('change', async function () {
      const id = place.value;
      if (!id) return;
      const response = await fetch(base + id + '/', {credentials: 'same-origin'});
      if (!response.ok) return;
      const data = await response.json();
      for (const [name, value] of Object.entries(data)) setValue(name, value);
    });
  }

  // "use": put the extractor's proposal back into the field.
  function useProposed(event) {
    const button = event.target.closest('.use-proposed');
    if (!button) return;
    const proposal = button.closest('.proposal');
    const name = button.dataset.target;
    const value = proposal.dataset.proposed;
    const input = fieldInput(name);
    if (input && input.tagName === 'SELECT' && $ && $(input).data('select2')) {
      if (value && !input.querySelector('option[value="' + CSS.escape(value) + '"]')) {
        input.append(new Option(proposal.dataset.proposedLabel, value, true, true));
      }
      $(input).val(value || null).trigger('change');
      return;
    }
    setValue(name, value);
  }

  // Focusing a field lights up the evidence it was read from.
  function watchFocus() {
    document.addEventListener('focusin', function (event) {
      const wrapper = event.target.closest('.curation-field');
      document.querySelectorAll('.evidence.focused').forEach((el) => el.classList.remove('focused'));
      if (!wrapper) return;
      const name = wrapper.dataset.field;
      const hits = Array.from(document.querySelectorAll('.evidence')).filter((el) => (el.dataset.targets || '').split(' ').includes(name));
      hits.forEach((el) => el.classList.add('focused'));
      if (hits.length) hits[0].scrollIntoView({block: 'nearest', behavior: 'smooth'});
    });
  }

  // Ctrl+Enter (or Cmd+Enter): save, verify and go to the next event.
  function watchKeys(form) {
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        const button = form.querySelector('input[name="_verify"]');
        if (button) { event.preventDefault(); button.click(); }
      }
    });
  }

  // Sidebar actor filter: choosing an actor reloads the queue filtered by it.
  function watchActorFilter() {
    document.querySelectorAll('.actor-filter-select').forEach(function (select) {
      const base = select.closest('.actor-filter').dataset.baseQuery || '?';
      const go = function () {
        const params = new URLSearchParams(base.replace(/^\?/, ''));
        if (select.value) params.set('actor', select.value); else params.delete('actor');
        window.location.search = params.toString();
      };
      if ($) $(select).on('change', go); else select.addEventListener('change', go);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    const layout = document.querySelector('.curation-layout');
    const form = document.getElementById('event_form');
    if (layout) watchPlace(layout);
    document.addEventListener('click', useProposed);
    watchFocus();
    if (form) watchKeys(form);
    watchActorFilter();
  });
})();
