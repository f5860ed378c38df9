import { ApiProperty } from '@nestjs/swagger';

export class ProductDto {
  @ApiProperty({ example: 'keyboard' })
  id!: string;

  @ApiProperty({ example: 'Mechanical keyboard' })
  name!: string;

  @ApiProperty({ description: 'Price in cents', example: 8900 })
  price!: number;

  @ApiProperty({ description: 'Units in stock', example: 10 })
  stock!: number;
}

export class ProductListDto {
  @ApiProperty({ type: [ProductDto] })
  products!: ProductDto[];
}
