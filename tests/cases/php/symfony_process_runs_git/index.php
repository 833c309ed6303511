<?php
require __DIR__ . '/vendor/autoload.php';

use Symfony\Component\Process\Process;

// Symfony's Process takes the program and its arguments as a list.
$process = new Process(['git', 'log', '-1', '--format=%h']);
$process->run();
echo $process->getOutput();
