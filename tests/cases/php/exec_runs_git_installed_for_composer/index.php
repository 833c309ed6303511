<?php echo exec('git --version');
