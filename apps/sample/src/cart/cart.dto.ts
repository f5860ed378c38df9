import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Min } from 'class-validator';

export class AddCartItemDto {
  @ApiProperty({ example: 'keyboard' })
  @IsString()
  @Length(1, 64)
  productId!: string;

  @ApiProperty({ minimum: 1, example: 1, description: 'Added to what the cart already holds' })
  @IsInt()
  @Min(1)
  quantity!: number;
}

export class UpdateCartItemDto {
  @ApiProperty({ minimum: 0, example: 2, description: 'The new quantity; 0 removes the product' })
  @IsInt()
  @Min(0)
  quantity!: number;
}

export class CartItemDto {
  @ApiProperty({ example: 'keyboard' })
  productId!: string;

  @ApiProperty({ example: 'Mechanical keyboard' })
  name!: string;

  @ApiProperty({ description: 'Unit price in cents', example: 8900 })
  price!: number;

  @ApiProperty({ example: 2 })
  quantity!: number;

  @ApiProperty({ description: 'price × quantity, in cents', example: 17800 })
  subtotal!: number;
}

export class CartDto {
  @ApiProperty({ type: [CartItemDto], description: 'In the order the products were added' })
  items!: CartItemDto[];

  @ApiProperty({ description: 'Sum of the subtotals, in cents', example: 17800 })
  total!: number;

  @ApiProperty({ description: 'Number of units in the cart', example: 2 })
  count!: number;
}
