// A text that changes with every commit. `show` re-renders this component alone; NiceGUI's element update would
// re-render the page's whole element tree. The slot holds the text the page was built (or re-sent) with.
export default {
  template: `<div><template v-if="shown === null"><slot></slot></template><template v-else>{{ shown }}</template></div>`,
  data() {
    return { shown: null };
  },
  methods: {
    show(text) {
      this.shown = text;
    },
  },
};
