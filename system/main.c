/* Placeholder: replaced by the system/ work. */
#include "qemu/common.h"

int main(int argc, char **argv)
{
    return 0;
}
