import type { AppSession } from 'nest-session-kit';

/** One product in the cart. */
export interface CartLine {
  quantity: number;
  /** When the product was first added (epoch ms): the cart lists lines in this order. */
  addedAt: number;
}

/** The cart's lines by product id. */
export type Cart = Record<string, CartLine>;

/**
 * A session with the cart at `session.cart`. (Typed here rather than by augmenting SessionData,
 * so the library's own code keeps `cart` free.)
 */
export type CartSession = AppSession & { cart?: Cart };
