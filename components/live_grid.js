(params) => {
  const api = params.api;
  const FADE = 250, FLASH = 1500;  // ms
  const READABLE = 4, FLOOD = 20, FLOOD_INTERVAL = 500;  // rows a second; ms between changes in a flood
  let queue = [], scheduled = false, follow = true, lastFlush = -1e9;
  const leaving = new Map();  // key → when its fade ends; its row stays in place until then
  let arrivals = [];  // when recent rows were added, to know their rate
  api.eyeletArrived = new Map();  // key → when its row was added: row class rules flash it
  api.eyeletLeaving = leaving;
  api.eyeletTopRow = () => {  // the first row in view (getFirstDisplayedRowIndex counts the render buffer too)
    const top = api.getVerticalPixelRange().top;
    for (let i = Math.max(0, api.getFirstDisplayedRowIndex()); i <= api.getLastDisplayedRowIndex(); i++) {
      const node = api.getDisplayedRowAtIndex(i);
      if (node && node.rowTop + node.rowHeight > top) return node;
    }
    return null;
  };
  // One delta on the row list as the grid shows it (rows still fading out included): removed rows dropped, or
  // kept to fade when in view; updated rows merged; added rows put at their index among the rows that stay.
  const applyDelta = (rows, delta, added, inView, now) => {
    const readded = new Set(delta.add.map(([, row]) => row.__key));
    const gone = new Set(readded);  // a row added again that the grid already shows is put back at its index
    for (const key of delta.remove) {
      if (!readded.has(key) && inView.has(key)) leaving.set(key, now + FADE);
      else gone.add(key);
      added.delete(key);
    }
    for (const key of readded) leaving.delete(key);
    const updates = new Map(delta.update.map((cells) => [cells.__key, cells]));
    const adds = [...delta.add].sort((a, b) => a[0] - b[0]);
    const result = [];
    let next = 0, kept = 0;
    for (const row of rows) {
      if (gone.has(row.__key)) continue;
      const fading = leaving.has(row.__key);
      // Added rows go before the rows that stay after their index, after the ones fading out before it.
      while (!fading && next < adds.length && adds[next][0] <= kept) { result.push(adds[next++][1]); kept++; }
      const cells = updates.get(row.__key);
      result.push(cells ? { ...row, ...cells } : fading && inView.has(row.__key) ? { ...row } : row);
      if (!fading) kept++;
    }
    while (next < adds.length) result.push(adds[next++][1]);
    for (const [, row] of delta.add) added.add(row.__key);
    return result;
  };
  const flush = () => {
    scheduled = false;
    if (api.isDestroyed()) return;
    const now = performance.now();
    lastFlush = now;
    const expired = [...leaving.values()].some((end) => end <= now);
    if (!queue.length && !expired) return;
    const deltas = queue;
    queue = [];
    const shown = !document.hidden;  // animate only what someone may be looking at
    const inView = new Set();
    const top = api.eyeletTopRow();
    const anchor = top && top.rowIndex > 0 ? top : null;
    const anchorTop = anchor && anchor.rowTop;
    if (shown) {
      for (let i = Math.max(0, api.getFirstDisplayedRowIndex()); i <= api.getLastDisplayedRowIndex(); i++) {
        const node = api.getDisplayedRowAtIndex(i);
        if (node && !leaving.has(node.id)) inView.add(node.id);
      }
    }
    let rows = [];
    api.forEachNode((node) => {
      const end = leaving.get(node.id);
      if (end === undefined || (end > now && shown)) rows.push(node.data);
      else leaving.delete(node.id);
    });
    const added = new Set();
    for (const delta of deltas) rows = applyDelta(rows, delta, added, inView, now);
    arrivals = arrivals.filter((time) => time > now - 1000);
    for (const key of added) arrivals.push(now);
    for (const [key, time] of api.eyeletArrived) if (time < now - FLASH) api.eyeletArrived.delete(key);
    if (shown && arrivals.length <= READABLE) for (const key of added) api.eyeletArrived.set(key, now);
    api.setGridOption('rowData', rows);
    if (leaving.size) setTimeout(() => schedule(), FADE);
    if (follow && !anchor) {
      if (api.getVerticalPixelRange().top > 0) api.ensureIndexVisible(0, 'top');
    } else if (anchor && anchor.rowIndex !== null && anchor.rowTop !== anchorTop) {
      api.ensureIndexVisible(anchor.rowIndex, 'top');
    }
  };
  let scheduledAs = 0;  // each schedule's number: a timer or frame of an earlier one flushes nothing
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    const mine = ++scheduledAs, flushIfMine = () => { if (scheduled && scheduledAs === mine) flush(); };
    const now = performance.now();
    const waiting = queue.reduce((rows, delta) => rows + delta.add.length, 0);
    const flooded = arrivals.filter((time) => time > now - 1000).length + waiting > FLOOD;
    if (document.hidden) setTimeout(flushIfMine, 1000);
    else if (flooded && now < lastFlush + FLOOD_INTERVAL) {
      // More rows than anyone can read: a few changes a second show them as well as sixty, at a fraction of it.
      setTimeout(() => requestAnimationFrame(flushIfMine), lastFlush + FLOOD_INTERVAL - now);
    } else {
      requestAnimationFrame(flushIfMine);
      setTimeout(flushIfMine, 250);  // a frame that never comes (a tab the browser stopped painting) delays no longer
    }
  };
  const shownAgain = () => { if (!document.hidden) flush(); };
  document.addEventListener('visibilitychange', shownAgain);
  api.addEventListener('gridPreDestroyed', () => document.removeEventListener('visibilitychange', shownAgain));
  api.applyLiveDelta = (delta, followNew) => {
    queue.push(delta);
    follow = followNew;
    schedule();
  };
}
