/** A multi-step form of the sample: its steps, numbered from 1. */
export interface FormDefinition {
  id: string;
  title: string;
  steps: string[];
}

export const FORM_DEFINITIONS: FormDefinition[] = [
  { id: 'checkout', title: 'Checkout', steps: ['Shipping address', 'Delivery', 'Payment'] },
  { id: 'signup', title: 'Sign-up', steps: ['Account', 'Profile', 'Confirmation'] },
  { id: 'survey', title: 'Satisfaction survey', steps: ['About you', 'Your opinion'] },
];

export const FORM_IDS = FORM_DEFINITIONS.map((form) => form.id);

export function findFormDefinition(id: string): FormDefinition | undefined {
  return FORM_DEFINITIONS.find((form) => form.id === id);
}
