// Side effect: registers the rules that ship with plasticity (each package registers on import).
import '@plasticity/rule-backprop';
import '@plasticity/rule-bptt';
import '@plasticity/rule-btsp';
import '@plasticity/rule-eventprop';
import '@plasticity/rule-forward-forward';
import '@plasticity/rule-least-control';
import '@plasticity/rule-smooth-exact';
import '@plasticity/rule-spike-event';
import '@plasticity/rule-stdp';
