// The header's bell: browser notifications of the sessions that need you, and a beep, on or off. The choice lives in
// this browser (localStorage, under the `keys` the strip reads too); whether notifications can be shown at all is
// the browser's to say: only on a secure origin (localhost, 127.0.0.1, https), and not once the person blocked them.

export default {
  template: `
    <q-btn flat round dense color="white" :icon="icon" :style="{ opacity: usable ? 1 : 0.55 }" :aria-label="tip"
           data-bell :data-notify="on ? 'on' : 'off'">
      <q-tooltip>{{ tip }}</q-tooltip>
      <q-menu anchor="bottom right" self="top right">
        <div class="column q-pa-sm" style="max-width: 300px">
          <q-toggle :model-value="on" :disable="!usable" label="Browser notifications" data-notify-toggle
                    @update:model-value="turn" />
          <div v-if="!usable" class="text-caption q-px-sm" data-why>{{ why }}</div>
          <q-toggle :model-value="sound" label="Sound" data-sound-toggle @update:model-value="setSound" />
        </div>
      </q-menu>
    </q-btn>`,
  props: { keys: Object },
  data() {
    return { permission: this.current(), on: localStorage.getItem(this.keys.notify) === "on",
             sound: localStorage.getItem(this.keys.sound) === "on" };
  },
  computed: {
    why() {
      if (!window.isSecureContext) {
        return "Browsers show notifications only on a secure address: open eyelet-gui on localhost, or serve it " +
          "over https.";
      }
      if (this.permission === "unsupported") return "This browser cannot show notifications.";
      if (this.permission === "denied") {
        return "Notifications are blocked for this site: allow them in the browser's site settings.";
      }
      return "";
    },
    usable() {
      return !this.why;
    },
    icon() {
      return !this.usable ? "notifications_off" : this.on ? "notifications_active" : "notifications_none";
    },
    tip() {
      if (!this.usable) return this.why;
      return this.on ? "Notifications on: you are told when a session needs you" + (this.sound ? ", with a sound" : "")
        : "Notifications off: click to be told when a session needs you";
    },
  },
  methods: {
    current() {
      return "Notification" in window ? Notification.permission : "unsupported";
    },
    async turn(value) {
      if (value && this.permission !== "granted") this.permission = await Notification.requestPermission();
      this.on = value && this.permission === "granted";
      localStorage.setItem(this.keys.notify, this.on ? "on" : "off");
    },
    setSound(value) {
      this.sound = value;
      localStorage.setItem(this.keys.sound, value ? "on" : "off");
    },
  },
};
