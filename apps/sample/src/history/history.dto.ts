import { ApiProperty } from '@nestjs/swagger';

export class HistoryDto {
  @ApiProperty({
    type: [String],
    description: 'The last 10 distinct pages visited, newest first',
    example: ['/cart', '/products'],
  })
  pages!: string[];
}
