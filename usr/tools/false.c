/* false: exits with status 1 and does nothing else. */
int main(void)
{
	return 1;
}
