import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { Request } from 'express';
import { CartService } from '../cart/cart.service';
import { CartModel } from './graphql.models';
import { AddToCartArgs } from './graphql.args';

/** The session's cart over GraphQL: the REST rules, saved before the response. */
@Resolver(() => CartModel)
export class CartResolver {
  constructor(private readonly cart: CartService) {}

  @Mutation(() => CartModel)
  addToCart(@Context('req') req: Request, @Args() { productId, quantity }: AddToCartArgs) {
    return this.cart.add(req, productId, quantity);
  }
}
