// A plotly chart drawn once, then changed by `patch` with only the points that changed.
//
// A redraw costs a chart ~15 ms of main thread and charts change with every commit: patches are applied to the
// figure's arrays and drawn together, at most once a second (the first after a quiet second at once), and only
// while the chart is on screen in a visible tab. One hidden or scrolled away draws the moment it is looked at.
const REDRAW_EVERY = 1000; // ms

// plotly.js, loaded once for every chart of the page. Its download starts at once, but running it takes ~0.2 s
// of main thread, so it waits until the browser is idle: the page's tables show their rows first.
const PLOTLY = "eyelet-plotly/plotly-basic.min.js";
const whenIdle = () =>
  new Promise((resolve) =>
    window.requestIdleCallback ? requestIdleCallback(resolve, { timeout: 1000 }) : setTimeout(resolve, 200),
  ); // Safari has no requestIdleCallback
let loading;
const loadPlotly = () => {
  if (!loading) {
    const href = import.meta.resolve(PLOTLY);
    document.head.append(Object.assign(document.createElement("link"), { rel: "prefetch", href }));
    loading = whenIdle()
      .then(() => import(PLOTLY))
      .then(() => window.Plotly);
  }
  return loading;
};

// plotly.js shows dates as given, without time zones: shift epoch milliseconds to the viewer's wall clock.
const wallClock = (ms) => ms - new Date(ms).getTimezoneOffset() * 60000;
const valuesOf = (trace, name) => name.split(".").reduce((object, key) => object?.[key], trace);

// Text and grid colours of the page's light or dark mode (Quasar marks the body), as a relayout update.
const theme = () => {
  const dark = document.body.classList.contains("body--dark");
  const text = dark ? "#e0e0e0" : "#424242";
  const grid = dark ? "rgba(255, 255, 255, 0.15)" : "rgba(0, 0, 0, 0.1)";
  const update = { "font.color": text };
  for (const axis of ["xaxis", "yaxis"]) {
    for (const line of ["gridcolor", "zerolinecolor", "linecolor"]) update[`${axis}.${line}`] = grid;
  }
  return update;
};

export default {
  template: "<div></div>",
  props: { figure: Object },
  created() {
    this.waiting = []; // changes that arrive while plotly.js loads
    this.pending = []; // changes received, not yet drawn
    this.drawnAt = -Infinity;
    this.onScreen = false;
    this.visibilityChanged = () => this.schedule();
  },
  async mounted() {
    this.Plotly = await loadPlotly();
    this.render();
    // A point clicked: its customdata (what the chart's maker put there to name it) goes to whoever listens.
    this.$el.on("plotly_click", (event) => {
      const point = event.points?.[0];
      if (point?.customdata !== undefined) this.$emit("point_click", point.customdata);
    });
    for (const change of this.waiting) this.patch(change);
    this.resizeObserver = new ResizeObserver(() => this.Plotly.Plots.resize(this.$el));
    this.resizeObserver.observe(this.$el);
    this.modeObserver = new MutationObserver(() => this.Plotly.relayout(this.$el, theme()));
    this.modeObserver.observe(document.body, { attributeFilter: ["class"] });
    this.screenObserver = new IntersectionObserver((entries) => {
      this.onScreen = entries[entries.length - 1].isIntersecting;
      this.schedule();
    });
    this.screenObserver.observe(this.$el);
    document.addEventListener("visibilitychange", this.visibilityChanged);
  },
  unmounted() {
    this.resizeObserver?.disconnect();
    this.modeObserver?.disconnect();
    this.screenObserver?.disconnect();
    document.removeEventListener("visibilitychange", this.visibilityChanged);
    clearTimeout(this.timer);
    this.Plotly?.purge(this.$el);
  },
  methods: {
    draw() {
      // Called after every update of the element's props; only a new revision is a new figure. Before
      // plotly.js has loaded, mounted() renders.
      if (this.Plotly && this.figure.revision !== this.revision) this.render();
    },
    render() {
      this.pending = []; // the new figure holds them
      this.drawnAt = performance.now();
      this.revision = this.figure.revision;
      this.times = this.figure.data.map((trace) => trace.times ?? []);
      const data = this.figure.data.map((trace, index) => {
        const copy = JSON.parse(JSON.stringify(trace)); // patches change plotly's arrays in place, not the props
        for (const name of this.times[index]) copy[name] = trace[name].map(wallClock);
        delete copy.times;
        return copy;
      });
      const layout = JSON.parse(JSON.stringify(this.figure.layout));
      for (const [path, value] of Object.entries(theme())) {
        const keys = path.split(".");
        const last = keys.pop();
        keys.reduce((object, key) => (object[key] ??= {}), layout)[last] = value;
      }
      this.Plotly.react(this.$el, data, layout, this.figure.config);
    },
    patch(change) {
      if (!this.Plotly) return this.waiting.push(change);
      // Each change turns one revision into the next: one the drawn figure already holds changes nothing.
      if (change.revision !== this.revision + 1) return;
      this.revision = change.revision;
      this.pending.push(change);
      this.schedule();
    },
    schedule() {
      if (!this.pending.length || this.timer !== undefined || !this.onScreen || document.hidden) return;
      const wait = Math.max(0, this.drawnAt + REDRAW_EVERY - performance.now());
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.onScreen && !document.hidden) this.flush(); // else when it is looked at again
      }, wait);
    },
    flush() {
      if (!this.pending.length) return; // a new figure came, drawn whole
      // Patches drop points from the end, append, and drop from the front what scrolled out: as extendTraces
      // would, in the arrays plotly draws from, then one redraw for all of them.
      for (const change of this.pending) {
        for (const patch of change.patches) {
          const trace = this.$el.data[patch.trace];
          for (const [name, values] of Object.entries(patch.append)) {
            const points = valuesOf(trace, name);
            points.length -= patch.remove;
            for (const value of this.times[patch.trace].includes(name) ? values.map(wallClock) : values) {
              points.push(value);
            }
            points.splice(0, points.length - patch.length);
          }
        }
      }
      this.pending = [];
      this.drawnAt = performance.now();
      this.Plotly.redraw(this.$el);
    },
  },
};
