// Side effect: registers the rules that ship with plasticity (each package registers on import).
import '@plasticity/rule-backprop';
import '@plasticity/rule-eventprop';
