// The sessions that need you, longest waiting first; the count in the tab's title and a dot on its favicon; one
// browser notification (and a beep, if asked) per episode that begins while the tab is open. Every value shows as
// text (Vue's {{ }}), never as markup. The bell (attention_bell.js) keeps the person's choice in localStorage under
// the `keys` both are given.

const ICONS = { needs_permission: "front_hand", waiting_for_input: "chat_bubble_outline", failing: "error_outline" };

function age(seconds) {
  // `12 s`, `4 min`, `1 h 5 min`, `2 days`: how long it has waited, as a person says it.
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} days`;
}

function beep() {
  // A short, soft two-tone beep made on the spot: no sound file to serve.
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  const audio = new Context();
  const gain = audio.createGain();
  gain.connect(audio.destination);
  gain.gain.setValueAtTime(0.0001, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
  const tone = audio.createOscillator();
  tone.frequency.setValueAtTime(880, audio.currentTime);
  tone.frequency.setValueAtTime(660, audio.currentTime + 0.15);
  tone.connect(gain);
  tone.start();
  tone.stop(audio.currentTime + 0.4);
  tone.onended = () => audio.close();
}

export default {
  template: `
    <div v-if="items.length" class="eyelet-attention column no-wrap" role="list" aria-label="Sessions that need you"
         style="width: 100%; border-radius: 6px; border: 1px solid rgba(127, 127, 127, 0.35); overflow: hidden">
      <a v-for="item in items.slice(0, open ? items.length : shown)" :key="item.key" :href="item.page"
         role="listitem" :data-session="item.session" :data-state="item.state" class="eyelet-attention-item"
         :style="rowStyle(item)">
        <i class="q-icon material-icons" aria-hidden="true" :style="{ color: item.colour, fontSize: '22px' }">
          {{ icons[item.state] }}</i>
        <div style="flex: 1; min-width: 0">
          <div style="overflow-wrap: anywhere">
            <span data-project style="font-weight: 600">{{ item.project }}</span>
            <span> · </span><span data-words :style="{ color: item.colour, fontWeight: 500 }">{{ item.words }}</span>
          </div>
          <div data-asks style="overflow: hidden; text-overflow: ellipsis; white-space: nowrap; opacity: 0.8"
               :title="item.asks">{{ item.asks }}</div>
        </div>
        <span data-age style="white-space: nowrap; font-variant-numeric: tabular-nums; opacity: 0.8">
          {{ age(item) }}</span>
      </a>
      <a v-if="items.length > shown" href="#" data-more class="text-caption q-px-md q-py-sm"
         @click.prevent="open = !open">{{ open ? 'fewer' : (items.length - shown) + ' more' }}</a>
    </div>`,
  props: { items: Array, now: Number /* ms */, title: String, shown: Number, keys: Object },
  data() {
    return { open: false, icons: ICONS, tick: Date.now() };
  },
  created() {
    // Episodes listed when the tab opened were told before, or began before it opened: never notified here.
    this.told = new Set(this.items.map((item) => item.key));
    this.offset = 0;
    this.icon = document.querySelector('link[rel~="icon"]');
    this.plainIcon = this.icon?.href;
    this.received();
  },
  unmounted() {
    clearInterval(this.timer);
  },
  watch: {
    items() {
      this.received();
    },
  },
  methods: {
    received() {
      // The server's clock came with the list: ages count from it, whatever this device's clock says.
      this.offset = (this.now - Date.now()) / 1000;
      this.tick = Date.now();
      clearInterval(this.timer);
      this.timer = this.items.length ? setInterval(() => (this.tick = Date.now()), 1000) : undefined;
      document.title = this.items.length ? `(${this.items.length}) ${this.title}` : this.title;
      this.drawIcon(this.items.length > 0);
      this.tell(this.items.filter((item) => item.fresh && !this.told.has(item.key)));
    },
    age(item) {
      return age(this.tick / 1000 + this.offset - item.since);
    },
    rowStyle(item) {
      return { display: "flex", alignItems: "center", gap: "10px", minHeight: "48px", padding: "4px 12px",
               color: "inherit", textDecoration: "none", borderLeft: `4px solid ${item.colour}`,
               background: `${item.colour}1f` };
    },
    tell(items) {
      for (const item of items) this.told.add(item.key);
      if (!items.length) return;
      if (localStorage.getItem(this.keys.sound) === "on") beep();
      if (localStorage.getItem(this.keys.notify) !== "on" || !("Notification" in window)) return;
      if (Notification.permission !== "granted") return;
      for (const item of items) {
        // Tagged with the session: a new episode of the same session replaces the old notice.
        const notice = new Notification(item.project, { body: `${item.words}: ${item.asks}`, tag: item.session });
        notice.onclick = () => {
          window.focus();
          window.location.assign(item.page);
          notice.close();
        };
      }
    },
    drawIcon(dot) {
      // The favicon with a red dot while something waits; the plain one back when nothing does.
      if (!this.icon) return;
      if (!dot) {
        this.icon.href = this.plainIcon;
        return;
      }
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 32;
      const context = canvas.getContext("2d");
      const finish = () => {
        context.beginPath();
        context.arc(23, 9, 8, 0, 2 * Math.PI);
        context.fillStyle = "#e53935";
        context.fill();
        context.lineWidth = 2;
        context.strokeStyle = "#ffffff";
        context.stroke();
        if (this.items.length) this.icon.href = canvas.toDataURL("image/png");
      };
      const image = new Image();
      image.onload = () => {
        context.drawImage(image, 0, 0, 32, 32);
        finish();
      };
      image.onerror = finish; // no icon to draw on: the dot alone still says it
      image.src = this.plainIcon;
    },
  },
};
