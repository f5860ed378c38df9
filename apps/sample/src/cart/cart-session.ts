import type { AppSession } from 'nest-session-kit';

/** One product in the cart. */
export interface CartLine {
  quantity: number;
  /** When the product was first added (epoch ms): the cart lists lines in this order. */
  addedAt: number;
}

/**
 * A session with the cart at `session.cart`, by product id. An object, not an array: the stores
 * merge objects key by key, so two requests adding different products at once both keep theirs.
 * (Typed here rather than by augmenting SessionData, so the library's own code keeps `cart` free.)
 */
export type CartSession = AppSession & { cart?: Record<string, CartLine> };
