// A session told in order. The server appends entries and changes them in place (`change`); the list is never
// rendered anew, so the reader's scroll stays where it was: at the end it follows the end, scrolled up it stays.
// Every value shows as text (Vue's {{ }}), never as markup.

const FOLLOW_WITHIN = 24; // pixels from the end that still count as reading the end
const CLAMP_LINES = 6; // a longer text shows its first lines and a "more" link
const SHOWN = 500; // entries drawn at first, the latest; a long session's earlier ones on request (5,000 took ~2 s)
const APPLY_EVERY = 1000; // ms: a burst of changes is shown once a second, not once per change
const HIGHLIGHT = "background: rgba(255, 193, 7, 0.28); border-radius: 4px";
const ICONS = {
  prompt: "chat",
  call: "build",
  notification: "notifications",
  stop: "stop_circle",
  "subagent stop": "call_split",
  compact: "compress",
  "session start": "play_arrow",
  "session end": "logout",
};

const pad = (n) => String(n).padStart(2, "0");

// One entry, its own component: an entry appended or changed renders itself alone, not the 500 shown with it
// (rendering them all again took ~20 ms a commit, half a core at 10 commits a second).
const StoryEntry = {
  template: `
    <div class="row no-wrap items-start q-py-xs q-px-sm" :data-entry="item.id" :data-kind="item.kind"
         :style="highlighted ? highlight : ''">
      <i class="q-icon material-icons q-mr-sm q-mt-xs" aria-hidden="true"
         :style="{ color: item.colour, fontSize: '18px' }">{{ icons[item.kind] || 'circle' }}</i>
      <div class="col" style="min-width: 0">
        <div class="row items-baseline q-gutter-x-sm">
          <span class="text-caption" :title="whole(item.at)">{{ clock(item.at) }}</span>
          <span class="text-weight-medium">{{ item.title }}</span>
          <span v-if="item.outcome" data-outcome :style="{ color: item.colour, fontWeight: 500 }">
            {{ item.outcome === 'running' ? 'running…' : item.outcome }}</span>
          <span v-if="item.duration" class="text-caption">{{ item.duration }}</span>
        </div>
        <div v-if="item.text" data-text :style="textStyle">{{ item.text }}</div>
        <a v-if="long" href="#" class="text-caption" @click.prevent="open = !open">{{ open ? 'less' : 'more' }}</a>
        <div v-if="item.error" data-error style="color: #e53935; white-space: pre-wrap; overflow-wrap: anywhere">
          {{ item.error }}</div>
      </div>
    </div>`,
  props: { item: Object, highlighted: Boolean },
  data() {
    return { open: false, icons: ICONS, highlight: HIGHLIGHT };
  },
  computed: {
    long() {
      return this.item.text.length > 400 || this.item.text.split("\n").length > CLAMP_LINES;
    },
    textStyle() {
      const style = { whiteSpace: "pre-wrap", overflowWrap: "anywhere" };
      if (this.item.kind === "call") style.fontFamily = "monospace";
      if (this.long && !this.open) {
        Object.assign(style, { display: "-webkit-box", WebkitLineClamp: CLAMP_LINES, WebkitBoxOrient: "vertical",
                               overflow: "hidden" });
      }
      return style;
    },
  },
  methods: {
    clock(at) {
      // `12:04:31` today, with the date before it on other days, in the viewer's time zone.
      const d = new Date(at * 1000);
      const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString()} ${time}`;
    },
    whole(at) {
      // On hover: how long ago, and the whole date (as the feed's time cells say it).
      const s = Date.now() / 1000 - at;
      const age = s < 2 ? "just now" : s < 60 ? `${Math.floor(s)} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ago`
        : s < 86400 ? `${Math.floor(s / 3600)} h ago` : `${Math.floor(s / 86400)} days ago`;
      return `${age} · ${new Date(at * 1000).toLocaleString()}`;
    },
  },
};

export default {
  components: { StoryEntry },
  template: `
    <div class="eyelet-story" style="overflow-y: auto" @scroll="scrolled"><div ref="content">
      <div v-if="!items.length" class="text-caption q-pa-sm">No events in this session yet.</div>
      <a v-if="start > 0" href="#" class="text-caption q-pa-sm block" data-earlier @click.prevent="earlier">
        {{ start.toLocaleString() }} earlier entries: show {{ Math.min(start, shown).toLocaleString() }} of them</a>
      <story-entry v-for="item in items.slice(start)" :key="item.id" :item="item"
                   :highlighted="item.id === highlighted" />
    </div></div>`,
  props: { entries: Array },
  data() {
    return { items: [...this.entries], start: Math.max(0, this.entries.length - SHOWN), shown: SHOWN,
             highlighted: null };
  },
  created() {
    this.pending = []; // changes received, not yet shown: a burst's, or a hidden tab's
    this.appliedAt = -Infinity;
    this.visibilityChanged = () => this.schedule();
    document.addEventListener("visibilitychange", this.visibilityChanged);
    this.reindex();
    this.following = true;
  },
  mounted() {
    // A story opens at its latest entry and a reader at the end stays there, whatever changes the sizes: entries
    // arriving, the page's grid settling, the icon font loading, a "more" opened.
    this.resizeObserver = new ResizeObserver(() => this.keepEnd());
    this.resizeObserver.observe(this.$el);
    this.resizeObserver.observe(this.$refs.content);
  },
  unmounted() {
    document.removeEventListener("visibilitychange", this.visibilityChanged);
    clearTimeout(this.timer);
    this.resizeObserver.disconnect();
  },
  watch: {
    entries(value) {
      // A whole new copy from the server (a reconnect, or the story started over).
      this.pending = []; // the copy holds them
      this.items = [...value];
      this.start = Math.max(0, value.length - SHOWN);
      this.reindex();
    },
  },
  methods: {
    reindex() {
      this.positions = new Map(this.items.map((item, position) => [item.id, position]));
    },
    scrolled() {
      const el = this.$el;
      this.following = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_WITHIN;
    },
    keepEnd() {
      if (this.following) this.$el.scrollTop = this.$el.scrollHeight;
    },
    change(change) {
      // Shown at once after a quiet moment, a burst at most every APPLY_EVERY ms, a hidden tab's when it is seen.
      this.pending.push(change);
      this.schedule();
    },
    schedule() {
      if (!this.pending.length || this.timer !== undefined || document.hidden) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!document.hidden) this.apply();
      }, Math.max(0, this.appliedAt + APPLY_EVERY - performance.now()));
    },
    apply() {
      this.appliedAt = performance.now();
      for (const { appended, updated } of this.pending) {
        for (const item of [...updated, ...appended]) {
          const position = this.positions.get(item.id);
          if (position === undefined) {
            this.positions.set(item.id, this.items.length);
            this.items.push(item);
          } else {
            this.items.splice(position, 1, item);
          }
        }
      }
      this.pending = [];
      // A reader at the end sees the latest entries: those scrolled far out at the top are no longer drawn.
      if (this.following) this.start = Math.max(this.start, this.items.length - SHOWN);
    },
    earlier() {
      this.start = Math.max(0, this.start - SHOWN);
    },
    reveal(id) {
      // Scroll to an entry (a bar or a marker clicked in the timeline) and mark it.
      if (!this.positions.has(id)) return;
      this.start = Math.min(this.start, this.positions.get(id));
      this.highlighted = id;
      // The reader goes there at once (a smooth scroll from the end still counts as being at the end as it starts,
      // and the end would pull them back while the earlier entries are drawn).
      this.following = false;
      this.$nextTick(() =>
        this.$el.querySelector(`[data-entry="${id}"]`)?.scrollIntoView({ block: "center" }),
      );
    },
  },
};
